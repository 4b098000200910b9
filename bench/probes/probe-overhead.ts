import path from "node:path";
import { median } from "~/bench/lib/stats";
import { errorRow, measuredRow, notMeasuredRow, type Row } from "~/bench/lib/table";
import { startNginxFixture } from "~/bench/loadgen/nginx-fixture";
import { runOurs } from "~/bench/loadgen/ours";
import type { ProbeName } from "~/core/probes";
import { detectCapabilities, startProbe } from "~/worker/probes";

const SECTION = "4";
/** The probes a run would typically attach: scheduler latency and syscalls (the most expensive one here). */
const PROBES: ProbeName[] = ["runqlat", "syscalls"];
const RATE = 2_000;

/**
 * p50/p99 of the same open-loop load on the same nginx with and without eBPF probes attached
 * (host-wide), interleaved rounds, medians. The issue-5 target: < 2% on p50.
 */
export async function probeOverheadRows(opts: { quick: boolean; runDir: string; log: (m: string) => void }): Promise<Row[]> {
  const capability = await detectCapabilities();
  if (!capability.available) {
    return [
      notMeasuredRow(
        SECTION,
        "p50 with eBPF probes / p50 without (ratio)",
        "< 2% on p50",
        `eBPF unavailable: ${capability.reason}`,
      ),
    ];
  }
  const fixture = await startNginxFixture(path.join(opts.runDir, "nginx-probes"));
  const rounds = opts.quick ? 1 : 3;
  const durationMs = opts.quick ? 3_000 : 8_000;
  const without: { p50: number; p99: number }[] = [];
  const withProbes: { p50: number; p99: number }[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const probed of [false, true]) {
        const handles = probed ? await Promise.all(PROBES.map((probe) => startProbe({ probe }))) : [];
        try {
          const r = await runOurs({
            url: fixture.plainUrl,
            mode: "open",
            rate: RATE,
            connections: 16,
            durationMs,
            warmupMs: 1_000,
          });
          if (!r.latency) throw new Error("no latency measured");
          (probed ? withProbes : without).push({ p50: r.latency.p50Us, p99: r.latency.p99Us });
        } finally {
          await Promise.all(handles.map((h) => h.stop()));
        }
      }
      opts.log(`probe overhead: round ${round + 1}/${rounds} done`);
    }
  } catch (error) {
    return [errorRow(SECTION, "p50 with eBPF probes / p50 without (ratio)", error)];
  } finally {
    await fixture.stop();
  }
  const note = `${PROBES.join(" + ")} attached host-wide, open loop ${RATE} rps, 16 connections, ${durationMs / 1000} s windows, ${rounds} interleaved round(s), medians. Per round p50 without: ${without.map((w) => w.p50).join(", ")} µs; with: ${withProbes.map((w) => w.p50).join(", ")} µs.`;
  const p50 = { ours: median(withProbes.map((w) => w.p50)), reference: median(without.map((w) => w.p50)) };
  const p99 = { ours: median(withProbes.map((w) => w.p99)), reference: median(without.map((w) => w.p99)) };
  return [
    measuredRow({
      section: SECTION,
      figure: `p50 with eBPF probes (${PROBES.join(" + ")}) / without, ${RATE} rps`,
      ...p50,
      unit: "us",
      target: { kind: "ratio-within", tolerance: 0.02 },
      note,
    }),
    measuredRow({
      section: SECTION,
      figure: `p99 with eBPF probes (${PROBES.join(" + ")}) / without, ${RATE} rps`,
      ...p99,
      unit: "us",
      target: { kind: "none" },
    }),
  ];
}
