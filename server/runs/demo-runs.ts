import type { RunSpecInput } from "~/core/spec";
import { createRun } from "./service";
import { countRuns } from "./store";

const DEMO_BASE = {
  backend: "LOCAL",
  mode: "fixed-rate",
  rate: 300,
  connections: 8,
  durationSeconds: 10,
  warmupSeconds: 2,
  payloadBytes: 1024,
  repetitions: 1,
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
