import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "~/server/log";

function collector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("structured logs", () => {
  it("writes one JSON object per line: level, ISO time, service, run id, job, message", () => {
    const out = collector();
    const log = createLogger({ service: "worker", format: "json", textPrefix: "worker: ", destination: out.stream });
    log.info("ready");
    const run = log.child({ runId: "run-1", job: "run" }, "[run run-1] ");
    run.warn("repetition 1 of 2: measuring");
    run.error("failed", { err: new TypeError("boom") });
    const [ready, warn, error] = out.entries();
    expect(Object.keys(ready ?? {}).sort()).toEqual(["level", "message", "service", "time"]);
    expect(ready).toMatchObject({ level: "info", service: "worker", message: "ready" });
    expect(new Date(String(ready?.time)).toISOString()).toBe(ready?.time);
    expect(warn).toMatchObject({
      level: "warn",
      service: "worker",
      runId: "run-1",
      job: "run",
      message: "repetition 1 of 2: measuring",
    });
    expect(error).toMatchObject({ level: "error", runId: "run-1", job: "run", message: "failed" });
    expect(error?.err).toMatchObject({ type: "TypeError", message: "boom", stack: expect.stringContaining("TypeError: boom") });
  });

  it("escapes what a message carries, so a line is always one JSON object", () => {
    const out = collector();
    createLogger({ service: "web", format: "json", textPrefix: "", destination: out.stream }).info('multi\nline "quoted"\u0000');
    expect(out.entries()).toEqual([expect.objectContaining({ service: "web", message: 'multi\nline "quoted"\u0000' })]);
  });

  it("writes plain prefixed lines in text format: info to stdout, warnings and errors to stderr", () => {
    const stdout = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const stderr = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const log = createLogger({ service: "worker", format: "text", textPrefix: "worker: " });
      log.info("ready (queue x)");
      log.child({ runId: "r" }, "[run r] ").warn("slow");
      expect(stdout).toHaveBeenCalledWith("worker: ready (queue x)");
      expect(stderr).toHaveBeenCalledWith("[run r] slow");
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
