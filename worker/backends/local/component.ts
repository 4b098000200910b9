import type { ComponentUsage } from "~/core/result";
import type { ManagedProcess } from "./managed-process";
import { writePidFile } from "./pid-files";
import { readStat } from "./proc";

/** One process of the local topology, as the backend tracks, measures and stops it. */
export interface Component {
  name: "upstream" | "proxy-client" | "proxy-server";
  role: ComponentUsage["role"];
  process: ManagedProcess;
  /** The port it listens on. */
  port: number;
  /** Text its /proc cmdline contains (checked before an orphan reaper kills it). */
  cmdlineMatch: string;
  /** Text its forked children's cmdlines contain, when it forks workers (nginx); null otherwise. */
  childCmdlineMatch: string | null;
}

/** Record the component (and the workers it forked by now) so a later worker can reap it after a crash. */
export async function recordComponent(runDir: string, c: Component): Promise<void> {
  const main = await readStat(c.process.pid);
  if (!main) return;
  const processes = [{ pid: c.process.pid, startTime: main.startTime, cmdlineMatch: c.cmdlineMatch }];
  if (c.childCmdlineMatch !== null) {
    for (const child of await c.process.family()) processes.push({ ...child, cmdlineMatch: c.childCmdlineMatch });
  }
  await writePidFile(runDir, { component: c.name, processes });
}
