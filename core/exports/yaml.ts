import type { JsonValue } from "./json";

/** YAML for the subset JSON needs; every string double-quoted, so no value is ever misread. */

function yamlScalar(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : ".nan";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return "[]";
  return "{}";
}

function isNested(value: JsonValue): boolean {
  return (
    (Array.isArray(value) && value.length > 0) ||
    (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0)
  );
}

function yamlLines(value: JsonValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isNested(item)) return [`${indent}- ${yamlScalar(item)}`];
      const inner = yamlLines(item, `${indent}  `);
      const first = inner[0] ?? "";
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, v]) => {
      const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
      return isNested(v) ? [`${indent}${k}:`, ...yamlLines(v, `${indent}  `)] : [`${indent}${k}: ${yamlScalar(v)}`];
    });
  }
  return [`${indent}${yamlScalar(value)}`];
}

export function toYaml(value: JsonValue, header?: string): string {
  const comment = header
    ? header
        .split("\n")
        .map((l) => `# ${l}`)
        .join("\n")
        .concat("\n")
    : "";
  return `${comment}${yamlLines(value, "").join("\n")}\n`;
}
