import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./helpers";

/** A stand-in service: says its pid, then runs until it is killed. */
const SERVICE = `console.log("service pid " + process.pid); setInterval(() => {}, 1000);`;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start`'s supervisor (scripts/lib.sh), around a stand-in service instead of web or worker. */
describe("supervise: npm start restarts what crashes", () => {
  let supervisor: ChildProcess | null = null;
  let exitDir = "";

  afterEach(() => {
    if (supervisor?.exitCode === null) supervisor.kill("SIGKILL");
    if (exitDir) rmSync(exitDir, { recursive: true, force: true });
  });

  it("restarts a service killed with SIGKILL, records how it died, and stops it on SIGTERM", async () => {
    exitDir = mkdtempSync(path.join(tmpdir(), "meshbench-exits-"));
    const child = spawn("bash", ["-c", `. scripts/lib.sh; supervise demo 2 "$0" node -e "$1"`, exitDir, SERVICE], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    supervisor = child;
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const servicePids = () => [...out.matchAll(/service pid (\d+)/g)].map((m) => Number(m[1]));

    const [first] = await waitFor("the service", async () => (servicePids().length === 1 ? servicePids() : null), 15_000);
    process.kill(first ?? 0, "SIGKILL");
    const [, second] = await waitFor(
      "the service restarted",
      async () => (servicePids().length === 2 ? servicePids() : null),
      15_000,
    );
    expect(out).toMatch(new RegExp(`demo \\(pid ${first}\\) ended \\(SIGKILL\\) after \\d+ s; restarting it in 1 s`));
    expect(readFileSync(path.join(exitDir, String(first)), "utf8").trim()).toBe("SIGKILL");
    expect(isAlive(second ?? 0)).toBe(true);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(isAlive(second ?? 0)).toBe(false);
    expect(servicePids()).toHaveLength(2);
  });
});
