/**
 * Runs the built-in load generator (worker/loadgen runLoad) once, in its own process, so its CPU
 * is measured apart from the bench and it gets a core to itself like in a real run:
 *
 *   node --import tsx bench/loadgen/ours-child.ts '<ChildInput JSON>'
 *
 * Prints one JSON line per window edge, then one result line (bench/loadgen/child-protocol.ts).
 */
import { runLoad } from "~/worker/loadgen";
import { type ChildMessage, childInputSchema } from "./child-protocol";
import { installLatencySplit, summarizeSplit } from "./latency-split";

function emit(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const { diagnose, ...input } = childInputSchema.parse(JSON.parse(process.argv[2] ?? "null"));
  const split = diagnose && input.mode === "open" ? installLatencySplit() : null;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let windowCpu: NodeJS.CpuUsage | undefined;
  const intervals: { elapsedMs: number; responses: number }[] = [];
  const result = await runLoad({
    ...input,
    onWindow: (edge) => {
      if (edge === "start") cpuAtStart = process.cpuUsage();
      else windowCpu = process.cpuUsage(cpuAtStart);
      emit({ type: "window", edge, wallMs: Date.now() });
    },
    onProgress: (p) => intervals.push({ elapsedMs: p.elapsedMs, responses: p.interval.responses }),
  });
  const cpu = windowCpu ?? process.cpuUsage(cpuAtStart);
  emit({
    type: "result",
    actualRate: result.actualRate,
    successes: result.successes,
    errors: result.errors,
    histogramBase64: result.histogramBase64,
    latency: result.latency,
    perSecond: result.perSecond,
    measuredSeconds: result.measuredSeconds,
    startedAtMs: result.startedAt.getTime(),
    finishedAtMs: result.finishedAt.getTime(),
    windowCpuMs: (cpu.user + cpu.system) / 1000,
    intervals,
    split: split ? summarizeSplit(split) : null,
  });
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
