import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "~/server/db/migrate";
import { aaRows } from "./aa/aa-section";
import { apiSpeed } from "./api/api-speed";
import { seedBenchDatabase } from "./api/seed";
import { applyBenchEnv } from "./env";
import { parseArgs, wants } from "./lib/args";
import { fmtPct } from "./lib/format";
import { busyShare, describeMachine, type Machine } from "./lib/machine";
import { couldNotMeasure, errorRow, notMeasuredRow, type Row, renderMarkdown } from "./lib/table";
import { loadgenFidelity } from "./loadgen/fidelity";
import type { RateRun } from "./loadgen/rate-latency";
import { pendingReportRows, reportsBuilt } from "./pending";
import { probeOverheadRows } from "./probes/probe-overhead";
import { reportRows } from "./reports/report-timing";
import { storageRows } from "./storage/storage";
import { viewerRows } from "./viewers/viewers-section";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const RESULTS = path.join(REPO, "bench", "results");

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function header(machine: Machine, quick: boolean): string {
  return [
    `# MeshBench bench${quick ? " (--quick)" : ""}`,
    "",
    `${new Date().toISOString()} · ${machine.cores} cores, ${machine.cpuModel} · Linux ${machine.kernel} · node ${machine.node} · ${machine.nginx} · ${machine.wrk}`,
    `Background load before the bench: ${fmtPct(machine.busyShare, 0)} of all cores busy, load average ${machine.loadAverage.join(" ")}.`,
    "",
  ].join("\n");
}

/** Runs the sections, prints the table, writes bench/results/latest.json. Returns the exit code. */
export async function runSuite(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const env = applyBenchEnv();
  const started = Date.now();
  const runDir = path.join(RESULTS, "run");
  await mkdir(runDir, { recursive: true });
  const machine = await describeMachine();
  if (machine.busyShare > 0.25)
    log(`warning: ${fmtPct(machine.busyShare, 0)} of the CPU is busy with other work: figures will be noisy`);
  const rows: Row[] = [];
  // Sections 2 and 6 start the production app on the bench database.
  const appOptions = { quick: args.quick, repo: REPO, runDir, databaseUrl: env.databaseUrl, queuePrefix: env.queuePrefix, log };
  let rateRuns: RateRun[] = [];
  if (wants(args, "1")) {
    log("section 1: load generator fidelity vs wrk");
    const r = await loadgenFidelity({ quick: args.quick, runDir, log });
    rows.push(...r.rows);
    rateRuns = r.rateRuns;
  }
  if (wants(args, "2")) {
    log("section 2: dashboard API speed");
    rows.push(...(await apiSpeed(appOptions)));
  }
  if (wants(args, "3")) {
    log("section 3: storage per run");
    await ensureDatabase(env.databaseUrl);
    await migrate(env.databaseUrl);
    if (!wants(args, "1")) {
      rows.push(
        notMeasuredRow(
          "3",
          "Storage of a real run",
          "< 16 KB",
          "needs section 1's runs (run without --only, or with --only=1,3)",
        ),
      );
    }
    rows.push(...(await storageRows(env.databaseUrl, rateRuns, wants(args, "1"))));
  }
  if (wants(args, "4")) {
    log("section 4: reports and probes");
    if (reportsBuilt(REPO)) {
      try {
        const seeded = await seedBenchDatabase(env.databaseUrl, log);
        rows.push(...(await reportRows(seeded.detailIds.slice(0, 8), args.quick ? 1 : 5)));
      } catch (error) {
        rows.push(errorRow("4", "Report generation, 8-run comparison", error));
      }
    } else rows.push(...pendingReportRows());
    rows.push(...(await probeOverheadRows({ quick: args.quick, runDir, log })));
  }
  if (wants(args, "5")) {
    log("section 5: A/A, identical runs compared pairwise");
    rows.push(...(await aaRows({ quick: args.quick, runDir, log })));
  }
  if (wants(args, "6")) {
    log("section 6: 100 viewers during a run, interleaved with the same run unwatched");
    rows.push(...(await viewerRows(appOptions)));
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  const busyAfter = await busyShare();
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  const table = renderMarkdown(rows);
  process.stdout.write(
    `${header(machine, args.quick)}\n${table}\n${command} · ${seconds} s · CPU busy right after: ${fmtPct(busyAfter, 0)}\n`,
  );
  await mkdir(RESULTS, { recursive: true });
  const json = {
    generatedAt: new Date().toISOString(),
    command,
    quick: args.quick,
    durationSeconds: seconds,
    machine,
    busyAfter,
    rows,
  };
  await writeFile(path.join(RESULTS, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote bench/results/latest.json (${rows.length} rows) in ${seconds} s`);
  return couldNotMeasure(rows) ? 1 : 0;
}
