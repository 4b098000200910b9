import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import { callerFor, createUser, sessionFor } from "./helpers";

/**
 * Generated hostile input against every procedure, as every role: nothing may answer 5xx, and no
 * answer may carry a stack, SQL or the database's text. Control characters (NUL above all) are
 * what PostgreSQL refuses outright, so they lead every string arbitrary.
 */

const controlCharacters = fc.string({
  minLength: 1,
  maxLength: 6,
  unit: fc.constantFrom("\u0000", "\u001f", "\u007f", "x", "1"),
});
const hostileString = fc.oneof(
  { arbitrary: controlCharacters, weight: 4 },
  fc.constantFrom("a\u0000b", '\'; DROP TABLE "BenchmarkRun"; --', "../../etc/passwd", "%00", "😀", ""),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ minLength: 5_000, maxLength: 6_000 }),
);
const hostileValue = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, undefined, true, -1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY),
  fc.array(hostileString, { maxLength: 12 }),
);
/** The procedure's own input fields, so generated objects reach past the first check. */
function inputFields(path: string): string[] {
  // The router's public type hides the parsers; every procedure has them at run time.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>;
  return (procedures[path]?._def.inputs ?? []).flatMap((schema) =>
    schema instanceof z.ZodObject ? Object.keys(schema.shape) : [],
  );
}

function hostileInputFor(path: string) {
  const fields = inputFields(path);
  const shaped =
    fields.length > 0 ? [fc.record(Object.fromEntries(fields.map((f) => [f, hostileValue])), { requiredKeys: [] })] : [];
  return fc.oneof(...shaped, ...shaped, hostileValue, fc.anything());
}

const LEAKS =
  /\bat .+\.(ts|js|mjs):\d+|SELECT |INSERT |UPDATE "|prisma|postgres(ql)?:\/\/|127\.0\.0\.1:5432|invalid byte sequence/i;

type Caller = ReturnType<typeof callerFor>;
type AnyProcedure = (input: unknown) => Promise<unknown>;

function procedureOf(caller: Caller, path: string): AnyProcedure {
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return target as AnyProcedure;
}

const PROCEDURES = Object.keys(appRouter._def.procedures);
// Procedures that only stream or that a random input could turn into real work are skipped here
// and covered by their own tests; none today.
const SKIPPED = new Set<string>();

describe("hostile input to every procedure, as every role", () => {
  const callers: Record<string, Caller> = {};
  beforeAll(async () => {
    callers.anonymous = callerFor(null);
    callers.viewer = callerFor(sessionFor(await createUser("VIEWER")));
    callers.admin = callerFor(sessionFor(await createUser("ADMIN")));
  });

  it("covers every procedure", () => {
    expect(PROCEDURES.length).toBeGreaterThan(15);
  });

  for (const path of PROCEDURES.filter((p) => !SKIPPED.has(p))) {
    it(`${path} answers bad input with a 4xx and no internals`, async () => {
      for (const role of ["anonymous", "viewer", "admin"]) {
        await fc.assert(
          fc.asyncProperty(hostileInputFor(path), async (input) => {
            try {
              await procedureOf(callers[role] as Caller, path)(input);
            } catch (error) {
              if (!(error instanceof TRPCError)) throw error;
              const status = getHTTPStatusCodeFromError(error);
              if (status >= 500 || LEAKS.test(error.message)) {
                throw new Error(
                  `${role} ${path}(${JSON.stringify(input)?.slice(0, 200)}) → ${status} ${error.message.slice(0, 300)}`,
                );
              }
            }
          }),
          { numRuns: 40, seed: 20261130 },
        );
      }
    });
  }
});
