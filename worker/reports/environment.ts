import { execFile } from "node:child_process";
import os from "node:os";

/**
 * The machine a report is generated on. For the local backend that is the machine the runs ran
 * on (the worker runs both); the report says so rather than implying the runs stored it.
 */
export interface ReportEnvironment {
  hostname: string;
  os: string;
  kernel: string;
  cpuModel: string | null;
  cpuCount: number;
  memoryBytes: number;
  node: string;
  /** Versions of the programs in the request path and of the tools; null when not installed. */
  software: { name: string; version: string | null }[];
}

function run(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 5_000, env: { ...process.env, LC_ALL: "C" } }, (error, stdout, stderr) => {
      if (error && !stdout && !stderr) return resolve(null);
      resolve(`${stdout}\n${stderr}`);
    });
  });
}

const SOFTWARE: { name: string; command: string; args: string[]; pattern: RegExp }[] = [
  { name: "nginx", command: "nginx", args: ["-v"], pattern: /nginx\/(\S+)/ },
  { name: "HAProxy", command: "haproxy", args: ["-v"], pattern: /HAProxy version (\S+)/ },
  { name: "bpftrace", command: "bpftrace", args: ["--version"], pattern: /bpftrace v?(\S+)/ },
  { name: "Chromium (PDF printing)", command: "/usr/bin/chromium", args: ["--version"], pattern: /Chromium (\S+)/ },
];

export async function captureEnvironment(): Promise<ReportEnvironment> {
  const software = await Promise.all(
    SOFTWARE.map(async (s) => {
      const out = await run(s.command, s.args);
      return { name: s.name, version: out?.match(s.pattern)?.[1] ?? null };
    }),
  );
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.machine()}`,
    kernel: os.release(),
    cpuModel: cpus[0]?.model.trim() ?? null,
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    software: [{ name: "Node.js (load generator, upstream)", version: process.version.replace(/^v/, "") }, ...software],
  };
}
