import http from "node:http";
import net from "node:net";
import type { ManagedProcess } from "./managed-process";

const POLL_MS = 50;

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Checked between attempts: if one has exited, waiting longer is pointless. */
  processes: readonly ManagedProcess[];
  what: string;
}

function failIfExited(processes: readonly ManagedProcess[]): void {
  const dead = processes.find((p) => p.hasExited);
  if (dead) throw new Error(dead.describeExit());
}

async function poll(attempt: () => Promise<string | null>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no attempt made";
  for (;;) {
    options.signal?.throwIfAborted();
    failIfExited(options.processes);
    const problem = await attempt();
    if (problem === null) return;
    last = problem;
    failIfExited(options.processes);
    if (Date.now() >= deadline) throw new Error(`${options.what} not ready after ${options.timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Resolves once something accepts TCP connections on host:port. */
export function waitForPort(host: string, port: number, options: WaitOptions): Promise<void> {
  return poll(
    () =>
      new Promise<string | null>((resolve) => {
        const socket = net.connect({ host, port });
        const done = (problem: string | null) => {
          socket.destroy();
          resolve(problem);
        };
        socket.setTimeout(1_000, () => done("connect timed out"));
        socket.once("connect", () => done(null));
        socket.once("error", (e) => done(e.message));
      }),
    options,
  );
}

/** Resolves once a GET of `url` answers 200: the proof that every hop of a chain works. */
export function waitForHttpOk(url: string, options: WaitOptions): Promise<void> {
  return poll(
    () =>
      new Promise<string | null>((resolve) => {
        const req = http.get(url, { agent: false, timeout: 2_000 }, (res) => {
          res.resume();
          res.once("end", () => resolve(res.statusCode === 200 ? null : `HTTP ${res.statusCode}`));
          res.once("error", (e) => resolve(e.message));
        });
        req.once("timeout", () => req.destroy(new Error("request timed out")));
        req.once("error", (e) => resolve(e.message));
      }),
    options,
  );
}
