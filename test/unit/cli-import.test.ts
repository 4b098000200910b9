import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError, EXIT } from "~/cli/exit-codes";
import { main } from "~/cli/main";
import { MAX_IMPORT_BYTES } from "~/core/imports/types";

/** What `meshbench import` refuses before it sends anything (the upload itself is in e2e/import.spec.ts). */
const env = { ...process.env, MESHBENCH_URL: "http://127.0.0.1:9", MESHBENCH_TOKEN: "mb_test" };

async function refusal(argv: string[]): Promise<CliError> {
  try {
    await main(argv, env);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected a CliError");
}

describe("meshbench import, before the upload", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "meshbench-cli-import-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("needs exactly one file, and known options", async () => {
    expect((await refusal(["import"])).exitCode).toBe(EXIT.usage);
    expect((await refusal(["import", "a", "b"])).message).toMatch(/exactly one file/);
    expect((await refusal(["import", "a.hlog", "--unit", "kb"])).message).toMatch(/--unit must be one of ns, us, ms/);
    expect((await refusal(["import", "a.json", "--mesh", "envoy"])).message).toMatch(/--mesh must be one of baseline/);
  });

  it("names a file it cannot read, or one over the limit, with exit 2", async () => {
    const missing = await refusal(["import", path.join(dir, "missing.json")]);
    expect(missing.exitCode).toBe(EXIT.usage);
    expect(missing.message).toMatch(/Cannot read .*missing\.json: ENOENT/);
    const big = path.join(dir, "big.json");
    await writeFile(big, Buffer.alloc(MAX_IMPORT_BYTES + 1, "a"));
    const tooLarge = await refusal(["import", big]);
    expect(tooLarge.exitCode).toBe(EXIT.usage);
    expect(tooLarge.message).toMatch(/big\.json: file too large: 655361 bytes; the limit is 655360 bytes/);
  });
});
