import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";

/** Pids of live processes whose command line mentions `needle` (e.g. a run id in a config path). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the real worker (`npm run worker`'s entry) and resolves once it says it is ready. */
export async function startWorker(): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!log.includes("worker: ready")) {
    if (child.exitCode !== null) throw new Error(`worker exited early:\n${log}`);
    if (Date.now() > deadline) throw new Error(`worker not ready after 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => log, exited };
}

/** The tests' own Prometheus with the project's config, on PROMETHEUS_URL's port, fresh data dir. */
export async function startPrometheus(): Promise<{ stop: () => Promise<void> }> {
  const url = new URL(process.env.PROMETHEUS_URL ?? "http://127.0.0.1:9091");
  const dataDir = `var/test/prometheus-${process.pid}`;
  const child = spawn("bash", ["scripts/run-prometheus.sh", url.port, dataDir], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${log}`);
    const ready = await fetch(`${url.origin}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
