import type { ServiceTime } from "~/core/service-time";
import { seedFromString } from "~/core/stats";
import type { Component } from "./component";
import { ManagedProcess } from "./managed-process";
import { ECHO_SERVER_FILE, REPO_ROOT } from "./paths";

export interface EchoOptions {
  runDir: string;
  payloadBytes: number;
  /** Added to each response; its draws are seeded by its own seed, else by the run directory. */
  serviceTime?: ServiceTime;
  readyTimeoutMs: number;
  /** Called right after the spawn, before waiting for readiness, so a failure can still stop it. */
  track: (component: Component) => Promise<void>;
}

/**
 * Start the upstream echo server as its own Node process (TypeScript through tsx, resolved from
 * the repo root). It picks its own port and tells us on stdout, so there is no port race.
 */
export async function startEcho(options: EchoOptions): Promise<Component> {
  // Whatever preloads the parent carries (a test runner's, a profiler's) do not belong in the upstream.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const proc = ManagedProcess.spawn(
    "upstream (echo server)",
    process.execPath,
    [
      "--import",
      "tsx",
      ECHO_SERVER_FILE,
      "--port",
      "0",
      "--payload",
      String(options.payloadBytes),
      "--tag",
      options.runDir,
      ...(options.serviceTime
        ? ["--service-time", JSON.stringify(options.serviceTime), "--seed", String(seedFromString(options.runDir))]
        : []),
    ],
    { cwd: REPO_ROOT, env },
  );
  const component: Component = {
    name: "upstream",
    role: "app",
    process: proc,
    port: 0,
    cmdlineMatch: options.runDir,
    childCmdlineMatch: null,
  };
  await options.track(component);
  const line = await proc.firstStdoutLine(options.readyTimeoutMs);
  let port: unknown;
  try {
    port = (JSON.parse(line) as { port?: unknown }).port;
  } catch {
    port = undefined;
  }
  if (typeof port !== "number" || port <= 0) throw new Error(`upstream printed an unexpected first line: ${line.slice(0, 200)}`);
  component.port = port;
  return component;
}
