import type { RunSpecInput } from "~/core/spec";
import { createRun } from "./service";
import { countRuns } from "./store";

const DEMO_BASE = {
  backend: "LOCAL",
  mode: "fixed-rate",
  rate: 300,
  connections: 8,
  // Three short repetitions rather than one long one: the demo comparison then has an interval of
  // the difference, and the first start takes no longer (3 × (1 s + 3 s) per run).
  durationSeconds: 3,
  warmupSeconds: 1,
  payloadBytes: 1024,
  repetitions: 3,
} as const;

/** On the very first start (no runs stored) queue one baseline and one proxy run, so a new user lands on real data. */
export async function queueDemoRunsIfEmpty(userId: string | null): Promise<number> {
  if ((await countRuns()) > 0) return 0;
  const demos: { name: string; spec: RunSpecInput }[] = [
    { name: "Demo: baseline, 300 rps", spec: { ...DEMO_BASE, mesh: "baseline" } },
    { name: "Demo: nginx proxy pair, 300 rps", spec: { ...DEMO_BASE, mesh: "nginx" } },
  ];
  for (const demo of demos) await createRun({ ...demo, userId });
  return demos.length;
}
