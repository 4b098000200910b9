import { readFile } from "node:fs/promises";
import { isMap, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { gatesSchema } from "../core/gates";
import { runNameSchema, runSpecSchema } from "../core/spec";
import { CliError, EXIT } from "./exit-codes";

/**
 * The spec file `meshbench run` reads:
 *
 *   name: checkout path, nginx
 *   spec:            # exactly what the new-run form sends, validated by the same schema
 *     mesh: nginx
 *     rate: 500
 *   gates:           # how the run is judged against --baseline; not part of the run itself
 *     - percentile: p99
 *       minEffect: { percent: 5, us: 50 }
 *
 * Gates sit beside the run spec, not inside it: the server stores and runs the spec, while gates
 * are the caller's policy for judging it, so the same run can be judged by different gates.
 */
export const specFileSchema = z
  .object({
    name: runNameSchema,
    // strict: in a file, an unknown field is a typo that would silently fall back to a default
    spec: runSpecSchema.strict(),
    gates: gatesSchema.optional(),
  })
  .strict();

export type SpecFile = z.output<typeof specFileSchema>;

/** One problem with the file: the field's dotted path (empty for the whole file), its line and why. */
export interface SpecProblem {
  field: string;
  line: number;
  message: string;
}

export function formatProblem(file: string, p: SpecProblem): string {
  return `${file}:${p.line}: ${p.field ? `${p.field}: ` : ""}${p.message}`;
}

type Path = (string | number)[];

/**
 * Parses and validates the file's text. YAML errors and schema errors both come back with a line:
 * for a field that is present, its own line; for a missing one, the line of the mapping that
 * should hold it.
 */
export function parseSpecFile(text: string): { ok: true; file: SpecFile } | { ok: false; problems: SpecProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        field: "",
        line: e.linePos?.[0]?.line ?? 1,
        message: `not valid YAML: ${e.message.split("\n")[0]}`,
      })),
    };
  }
  const lineOf = (path: Path): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return 1;
  };
  const parsed = specFileSchema.safeParse(doc.toJS());
  if (parsed.success) return { ok: true, file: parsed.data };
  const problems: SpecProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          field: [...path, key].join("."),
          line: keyLine(doc, lineCounter, path, key) ?? lineOf(path),
          message: "unknown field",
        });
      }
      continue;
    }
    problems.push({ field: path.join("."), line: lineOf(path), message: issue.message });
  }
  problems.sort((a, b) => a.line - b.line);
  return { ok: false, problems };
}

/** The line of a key itself (an unknown key's value may sit on a later line). */
function keyLine(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: Path, key: string): number | null {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(parent)) return null;
  for (const pair of parent.items) {
    const k = pair.key as { value?: unknown; range?: [number, number, number] } | null;
    if (k?.value === key && k.range) return lineCounter.linePos(k.range[0]).line;
  }
  return null;
}

/** Reads and validates the file, or ends the command with exit status 2 and every problem listed. */
export async function loadSpecFile(path: string): Promise<SpecFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(EXIT.usage, `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const result = parseSpecFile(text);
  if (!result.ok) {
    throw new CliError(
      EXIT.usage,
      `${path} is not a valid spec file:\n${result.problems.map((p) => `  ${formatProblem(path, p)}`).join("\n")}`,
    );
  }
  return result.file;
}
