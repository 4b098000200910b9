import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The CLI installable on its own: `npm pack` in cli/ (its prepack bundles it), installed globally
 * into an empty prefix, run from outside the repository.
 */

const CLI_DIR = path.resolve(import.meta.dirname, "../../cli");
let work = "";
let bin = "";

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "meshbench-cli-package-"));
  execFileSync("npm", ["pack", "--pack-destination", work], { cwd: CLI_DIR, stdio: "pipe" });
  const tarball = (await readdir(work)).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack made no tarball");
  const prefix = path.join(work, "prefix");
  execFileSync("npm", ["install", "--global", "--prefix", prefix, "--offline", path.join(work, tarball)], { stdio: "pipe" });
  bin = path.join(prefix, "bin", "meshbench");
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Only what the test gives it: a developer's own MESHBENCH_* must not leak in.
    const { MESHBENCH_URL: _url, MESHBENCH_TOKEN: _token, ...inherited } = process.env;
    execFile(bin, args, { cwd: work, env: { ...inherited, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe("the meshbench-cli package", () => {
  it("installs with no dependencies and documents its exit codes", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("meshbench run <spec.yaml>");
    expect(help.stdout).toMatch(/Exit status:\n {2}0 {2}passed/);
  });

  it("exits 2 on usage errors and invalid spec files, naming the line, without a server", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run(["run", "a.yaml", "--colour", "red"])).code).toBe(2);
    const spec = path.join(work, "bad.yaml");
    await writeFile(spec, "name: x\nspec:\n  mesh: baseline\n  rate: 100\n  connections: 4\n  warmupSecond: 1\n");
    const bad = await run(["run", spec], { MESHBENCH_URL: "http://127.0.0.1:1", MESHBENCH_TOKEN: "mb_x" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.yaml:6: spec.warmupSecond: unknown field");
    const noUrl = await run(["runs", "list"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("Set MESHBENCH_URL");
  });
});
