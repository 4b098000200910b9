import { execFile } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/**
 * The real router, in a process whose DATABASE_URL points at a PostgreSQL that is not there: a
 * viewer's read must come back as a 503 the dashboard can retry, with nothing of the driver's text.
 */
describe("a database outage, as a caller sees it", () => {
  it("is a 503 'Database unavailable; retrying' with no address or driver text", async () => {
    const port = await closedPort();
    const { stdout } = await run("npx", ["tsx", "test/fixtures/call-without-database.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/meshbench_outage_test` },
      timeout: 60_000,
    });
    const answer = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { status?: number; code?: string; message?: string };
    expect(answer).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE", message: "Database unavailable; retrying" });
  });
});
