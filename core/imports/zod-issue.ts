import type { z } from "zod";
import { ImportError } from "./types";

/** A field path as a reader writes it: metrics.http_req_duration["p(95)"], Data[3].Count. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || "(the document)";
}

/** The first problem zod found, as an ImportError naming the field: missing, or of the wrong kind. */
export function importErrorFromZod(
  what: string,
  error: z.ZodError,
  under: readonly PropertyKey[] = [],
  input?: unknown,
): ImportError {
  const issue = error.issues[0];
  if (!issue) return new ImportError("INVALID", `${what}: invalid`);
  const path = fieldPath([...under, ...issue.path]);
  const missing =
    (issue.code === "invalid_type" && /received undefined/.test(issue.message)) ||
    (input !== undefined && valueAt(input, issue.path) === undefined);
  if (missing) return new ImportError("FIELD_MISSING", `${what}: field missing: ${path}`);
  return new ImportError("INVALID", `${what}: ${path}: ${issue.message}`);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
