import { isDeepStrictEqual } from "node:util";

/** Pure: the path and both values of the first place two parsed JSON values differ, or null when equal. */
export function firstJsonDifference(a: unknown, b: unknown, at = "$"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const inner = firstJsonDifference(left[key], right[key], `${at}.${key}`);
      if (inner !== null) return inner;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}
