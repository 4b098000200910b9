import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { executeLocalRun } from "~/bench/aa/local-run";
import type { ApiOptions } from "~/bench/api/api-speed";
import { checkPaths } from "~/bench/api/http-load";
import { loginCookie } from "~/bench/api/login";
import { startApp } from "~/bench/api/next-app";
import { BENCH_USER, seedBenchDatabase } from "~/bench/api/seed";
import { trpcBatchPath } from "~/bench/api/trpc-url";
import { fmtPct, fmtRate, fmtUs } from "~/bench/lib/format";
import { processStatCpuNs } from "~/bench/lib/proc-cpu";
import { runCommand, sleep } from "~/bench/lib/spawn";
import { median } from "~/bench/lib/stats";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import { mergeHistograms, summarize } from "~/core/histogram";
import type { RunSpecInput } from "~/core/spec";
import { clockTicksPerSecond } from "~/worker/backends/local/proc";

const SECTION = "6";
const VIEWERS = 100;
const TARGETS = { viewerP95Us: 100_000, webCores: 0.5, p50Ratio: 1.1, p99Ratio: 1.25 } as const;

interface ViewerLoad {
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  seconds: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
}

interface Measured {
  p50Us: number;
  p99Us: number;
}

/** What the compare page would read as the run's p50 and p99 (all repetitions merged). */
function runFigures(run: Awaited<ReturnType<typeof executeLocalRun>>): Measured {
  const s = summarize(mergeHistograms(run.repetitions.flatMap((r) => (r.histogram ? [r.histogram] : []))));
  if (!s) throw new Error(`run ${run.name} measured no responses`);
  return { p50Us: s.p50Us, p99Us: s.p99Us };
}

/**
 * A RUNNING run as the worker leaves it in the database, its progress moved every second like a
 * heartbeat: the row the viewers' run pages poll. Removed afterwards, so the seeded set stays as
 * section 2 expects it.
 */
async function watchedRun(databaseUrl: string, userId: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const id = `bench-watched-${randomUUID()}`;
  const spec = {
    backend: "LOCAL",
    mesh: "nginx",
    mode: "fixed-rate",
    rate: 500,
    connections: 8,
    durationSeconds: 60,
    warmupSeconds: 2,
    payloadBytes: 1024,
    repetitions: 1,
  };
  await client.query(
    `INSERT INTO "BenchmarkRun" ("id", "name", "backend", "mesh", "spec", "status", "progress", "phase", "createdById", "startedAt", "heartbeatAt")
     VALUES ($1, 'bench: watched run', 'LOCAL', 'nginx', $2, 'RUNNING', 0, 'repetition 1 of 1: measuring', $3, now(), now())`,
    [id, JSON.stringify(spec), userId],
  );
  let progress = 0;
  const beat = setInterval(() => {
    progress = (progress + 1) % 100;
    void client
      .query(`UPDATE "BenchmarkRun" SET "progress" = $2, "heartbeatAt" = now() WHERE "id" = $1`, [id, progress])
      .catch(() => undefined);
  }, 1000);
  return {
    id,
    async remove() {
      clearInterval(beat);
      await client.query(`DELETE FROM "BenchmarkRun" WHERE "id" = $1`, [id]);
      await client.end();
    },
  };
}

/** CPU time (ns) of a process and everything below it, from /proc: `next start` may fork its server. */
function treeCpuNs(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const ticks = clockTicksPerSecond();
  let total = 0;
  for (const pid of tree) total += processStatCpuNs(pid, ticks) ?? 0;
  return total;
}

function viewerSpec(quick: boolean) {
  return {
    backend: "LOCAL",
    mesh: "nginx",
    mode: "fixed-rate",
    rate: 500,
    connections: 8,
    durationSeconds: quick ? 5 : 15,
    warmupSeconds: 2,
    payloadBytes: 1024,
    repetitions: 1,
  } as const satisfies RunSpecInput;
}

/**
 * Section 6: does watching a run change its numbers? The same nginx run with and without 100
 * viewer sessions polling runs.get and runs.list once a second (in a process of their own),
 * interleaved in pairs so both see the same machine; the run's p50 and p99 compared, the viewers'
 * latency and errors and the web process's CPU reported.
 */
export async function viewerRows(opts: ApiOptions): Promise<Row[]> {
  const pairs = opts.quick ? 1 : 3;
  const spec = viewerSpec(opts.quick);
  const runRoot = path.join(opts.runDir, "viewers");
  await mkdir(runRoot, { recursive: true });
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let watched: Awaited<ReturnType<typeof watchedRun>> | undefined;
  const quiet: Measured[] = [];
  const watchedFigures: Measured[] = [];
  const loads: ViewerLoad[] = [];
  const webCores: number[] = [];
  try {
    const seeded = await seedBenchDatabase(opts.databaseUrl, opts.log);
    watched = await watchedRun(opts.databaseUrl, seeded.userId);
    app = await startApp(opts.repo, opts.runDir, { databaseUrl: opts.databaseUrl, queuePrefix: opts.queuePrefix }, opts.log);
    const cookie = await loginCookie(app.baseUrl, BENCH_USER.email, BENCH_USER.password);
    const paths = [
      trpcBatchPath([{ procedure: "runs.get", input: { id: watched.id } }]),
      trpcBatchPath([{ procedure: "runs.list", input: { limit: 25 } }]),
    ];
    await checkPaths(app.baseUrl, paths, cookie);
    const stamp = Date.now().toString(36);
    for (let pair = 0; pair < pairs; pair++) {
      // Alternate which half goes first, so a drift of the machine's state does not favour one.
      const order = pair % 2 === 0 ? [false, true] : [true, false];
      for (const withViewers of order) {
        const name = `viewers ${withViewers ? "on" : "off"} #${pair + 1}`;
        const execute = () => executeLocalRun({ id: `viewers-${stamp}-${pair}-${withViewers}`, name, spec, runRoot });
        if (!withViewers) {
          quiet.push(runFigures(await execute()));
        } else {
          const seconds = spec.warmupSeconds + spec.durationSeconds + 6;
          const load = runCommand(
            path.join(opts.repo, "node_modules", ".bin", "tsx"),
            [path.join(opts.repo, "bench", "viewers", "viewer-load.ts"), app.baseUrl, String(seconds), String(VIEWERS), ...paths],
            { cwd: opts.repo, env: { ...process.env, VIEWER_COOKIE: cookie }, timeoutMs: (seconds + 60) * 1000 },
          );
          // The viewers are all polling before the run starts.
          await sleep(2_000);
          const cpuBefore = treeCpuNs(app.pid);
          const started = Date.now();
          const run = await execute();
          webCores.push((treeCpuNs(app.pid) - cpuBefore) / 1e6 / (Date.now() - started));
          watchedFigures.push(runFigures(run));
          const done = await load;
          const line = done.stdout.trim().split("\n").at(-1) ?? "";
          if (done.code !== 0 || !line) throw new Error(`viewer load failed: ${done.stderr.slice(-300)}`);
          loads.push(JSON.parse(line) as ViewerLoad);
        }
        opts.log(`viewers: ${name} done`);
      }
    }
  } catch (error) {
    return [errorRow(SECTION, "100 viewers during a run", error)];
  } finally {
    await app?.stop();
    await watched?.remove().catch(() => undefined);
  }
  return viewerTable(spec, quiet, watchedFigures, loads, webCores);
}

function viewerTable(
  spec: ReturnType<typeof viewerSpec>,
  quiet: Measured[],
  watched: Measured[],
  loads: ViewerLoad[],
  webCores: number[],
): Row[] {
  const ratios = (k: keyof Measured) => watched.map((w, i) => w[k] / (quiet[i]?.[k] ?? Number.NaN));
  const list = (xs: number[], f: (x: number) => string) => xs.map(f).join(", ");
  const runNote = `nginx, ${spec.rate} rps, ${spec.connections} connections, ${spec.warmupSeconds} s warm-up + ${spec.durationSeconds} s, ${quiet.length} pair(s) interleaved; ratio = median over pairs of (with viewers / without).`;
  const requests = loads.reduce((a, l) => a + l.requests, 0);
  const errors = loads.reduce((a, l) => a + l.errors, 0);
  const worst = (k: "p50Us" | "p95Us" | "p99Us") => Math.max(...loads.map((l) => l[k]));
  const kinds = [...new Set(loads.flatMap((l) => Object.keys(l.errorKinds)))].join("; ");
  const percentileRow = (k: "p50Us" | "p99Us", label: string, max: number) => {
    const r = ratios(k);
    return measuredRow({
      section: SECTION,
      figure: `The run's ${label} with 100 viewers vs without`,
      ours: median(watched.map((w) => w[k])),
      reference: median(quiet.map((q) => q[k])),
      ratio: median(r),
      unit: "us",
      target: { kind: "ratio-max", max },
      targetText: `≤ ${max.toFixed(2)}×`,
      note: `${runNote} With: ${list(
        watched.map((w) => w[k]),
        fmtUs,
      )}; without: ${list(
        quiet.map((q) => q[k]),
        fmtUs,
      )}; ratios ${list(r, (x) => `${x.toFixed(2)}×`)}.`,
    });
  };
  return [
    measuredRow({
      section: SECTION,
      figure: "100 viewers polling runs.get + runs.list once a second during a run: p95 (p50 · p99), errors",
      ours: worst("p95Us"),
      reference: TARGETS.viewerP95Us,
      unit: "us",
      ratio: null,
      target: { kind: "ours-max", max: TARGETS.viewerP95Us },
      targetText: "p95 ≤ 100 ms, 0 errors",
      oursText: `p95 ${fmtUs(worst("p95Us"))} (p50 ${fmtUs(worst("p50Us"))} · p99 ${fmtUs(worst("p99Us"))}), ${errors} errors`,
      referenceText: `${fmtRate(requests / loads.reduce((a, l) => a + l.seconds, 0))} answered of ${VIEWERS * 2} asked`,
      note: `Worst of ${loads.length} window(s); each viewer one session cookie of one user, its own phase within the second, keep-alive. ${errors > 0 ? `Errors: ${kinds}.` : ""}`,
    }),
    measuredRow({
      section: SECTION,
      figure: "Web process CPU while serving the 100 viewers (cores)",
      ours: median(webCores),
      reference: TARGETS.webCores,
      unit: "fraction",
      ratio: null,
      target: { kind: "ours-max", max: TARGETS.webCores },
      oursText: `${median(webCores).toFixed(2)} cores`,
      referenceText: "—",
      targetText: "≤ 0.5 core",
      note: `next start's process tree, /proc CPU time during each watched run over its wall time: ${list(webCores, (x) => x.toFixed(2))}. ${fmtPct(median(webCores) / 2, 0)} of this 2-core machine.`,
    }),
    percentileRow("p50Us", "p50", TARGETS.p50Ratio),
    percentileRow("p99Us", "p99", TARGETS.p99Ratio),
  ];
}
