import { fmtRate, fmtUs } from "~/bench/lib/format";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import { comparisonReuseRow } from "./compare-reuse";
import { asTrpcCalls, dashboardEndpoints, type Endpoint } from "./endpoints";
import { checkPaths, type HttpLoad, loadPaths } from "./http-load";
import { deepCursor, keysetTiming } from "./keyset";
import { loginCookie } from "./login";
import { startApp } from "./next-app";
import { runDetailVsBare } from "./run-detail-vs-bare";
import { BENCH_USER, seedBenchDatabase } from "./seed";
import { type EndpointSql, endpointSql } from "./sql-timing";
import { finishedRunWithStoredStatistics } from "./stored-statistics";
import { trpcBatchPath } from "./trpc-url";

const SECTION = "2";
const CLIENTS = [1, 50] as const;

export interface ApiOptions {
  quick: boolean;
  repo: string;
  runDir: string;
  databaseUrl: string;
  queuePrefix: string;
  log: (m: string) => void;
}

/**
 * A closed loop needs each client to get a few answers before latencies mean "under N clients":
 * with fewer, every answer came from the queue filling up and the figure is a lower bound.
 */
function steadyStateNote(l: HttpLoad | undefined, clients: number, seconds: number): string | null {
  if (!l || l.requests >= 3 * clients) return null;
  return `Only ${l.requests} responses in ${seconds} s with ${clients} client(s): not at steady state, so these latencies are a lower bound.`;
}

function endpointRows(e: Endpoint, sql: EndpointSql | undefined, loads: Map<number, HttpLoad>, seconds: number): Row[] {
  const sqlUs = sql ? sql.executionMs * 1000 : null;
  return CLIENTS.map((clients, i) => {
    const l = loads.get(clients);
    const throughput = CLIENTS.map((c) => `${fmtRate(loads.get(c)?.rps)} at ${c}`).join(", ");
    const errors = [...loads.values()].reduce((a, x) => a + x.errors, 0);
    const notes = [
      i === 0 && sql
        ? `${throughput} clients${errors > 0 ? `; ${errors} failed requests` : ""}. Ratio = HTTP p50 / EXPLAIN ANALYZE execution time of the SQL Prisma sent (median of sampled requests; planning ${fmtUs(sql.planningMs * 1000)} more). Plans: ${sql.shapes.join(" | ")}.`
        : null,
      steadyStateNote(l, clients, seconds),
    ].filter((x): x is string => x !== null);
    return measuredRow({
      section: SECTION,
      figure: `${e.label}, ${clients} client${clients > 1 ? "s" : ""}: p50 · p95 vs SQL`,
      ours: l?.p50Us ?? null,
      reference: sqlUs,
      unit: "us",
      oursText: l ? `p50 ${fmtUs(l.p50Us)} · p95 ${fmtUs(l.p95Us)}` : "—",
      referenceText: sql ? `${fmtUs(sqlUs)} SQL (${sql.statements} stmt)` : "—",
      target: { kind: "none" },
      ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
    });
  });
}

/** Section 2: the dashboard's tRPC endpoints on the production build, against 10,000 seeded runs. */
export async function apiSpeed(opts: ApiOptions): Promise<Row[]> {
  const seconds = opts.quick ? 1 : 8;
  const samples = opts.quick ? 3 : 8;
  const repeats = opts.quick ? 3 : 10;
  let seeded: Awaited<ReturnType<typeof seedBenchDatabase>>;
  let endpoints: Endpoint[];
  let sql: Map<string, EndpointSql>;
  let keysetRow: Row;
  let reuseRow: Row;
  let storedRunId: string;
  try {
    seeded = await seedBenchDatabase(opts.databaseUrl, opts.log);
    // runs.get alone is measured against the bare handler (run-detail-vs-bare.ts), not raw SQL.
    endpoints = dashboardEndpoints(seeded.detailIds, seeded.cursorIds).filter((e) => e.key !== "get");
    storedRunId = await finishedRunWithStoredStatistics(opts.databaseUrl, seeded.detailIds);
    const deep = await deepCursor(opts.databaseUrl);
    const session = {
      user: { id: seeded.userId, email: BENCH_USER.email, role: "VIEWER" as const },
      expires: new Date(Date.now() + 3_600_000).toISOString(),
    };
    opts.log("capturing the SQL of each endpoint and timing it with EXPLAIN ANALYZE");
    const deepEndpoint: Endpoint = {
      key: "list-deep",
      label: "deep page",
      batches: [[{ procedure: "runs.list", input: { limit: 25, cursor: deep } }]],
    };
    sql = await endpointSql(opts.databaseUrl, session, [...endpoints, deepEndpoint], samples, repeats);
    const keyset = await keysetTiming(opts.databaseUrl, seeded.cursorIds.slice(0, samples), deep, repeats);
    const app = sql.get("list-cursor");
    keysetRow = measuredRow({
      section: SECTION,
      figure: "runs.list cursor page, SQL only: the app's row-value keyset query vs Prisma's cursor shape",
      ours: app ? app.executionMs * 1000 : null,
      reference: keyset.medianMs * 1000,
      unit: "us",
      target: { kind: "none" },
      note: `EXPLAIN ANALYZE, median over random cursors (the app's ${app?.statements ?? "?"} statement(s), summed). On the last page (oldest runs): app ${fmtUs((sql.get("list-deep")?.executionMs ?? Number.NaN) * 1000)} vs Prisma's shape ${fmtUs(keyset.deepestMs * 1000)}. Prisma's plan: ${keyset.shape}.`,
    });
    // Groups the SQL capture above did not compare in this process, so their first view is cold.
    const groups = (endpoints.find((e) => e.key === "compare-runs")?.batches ?? [])
      .slice(samples)
      .flatMap((b) => b.flatMap((c) => (c.procedure === "compare.runs" ? [c.input.runIds] : [])));
    reuseRow = await comparisonReuseRow(SECTION, groups.slice(0, opts.quick ? 4 : 12));
  } catch (error) {
    return [errorRow(SECTION, "Dashboard API: seeding or SQL timing", error)];
  }

  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const rows: Row[] = [];
  try {
    opts.log("starting the production build (next start) on the bench database");
    app = await startApp(opts.repo, opts.runDir, { databaseUrl: opts.databaseUrl, queuePrefix: opts.queuePrefix }, opts.log);
    const cookie = await loginCookie(app.baseUrl, BENCH_USER.email, BENCH_USER.password);
    const pathsOf = (e: Endpoint) => e.batches.map((b) => trpcBatchPath(asTrpcCalls(b)));
    await checkPaths(
      app.baseUrl,
      endpoints.map((e) => pathsOf(e)[0] ?? "/"),
      cookie,
    );
    opts.log("warming up the app");
    await loadPaths(app.baseUrl, endpoints.flatMap(pathsOf), cookie, 8, opts.quick ? 1 : 3, opts.runDir);
    for (const e of endpoints) {
      const loads = new Map<number, HttpLoad>();
      for (const clients of CLIENTS) {
        opts.log(`${e.label}: ${clients} client(s), ${seconds} s`);
        loads.set(clients, await loadPaths(app.baseUrl, pathsOf(e), cookie, clients, seconds, opts.runDir));
      }
      rows.push(...endpointRows(e, sql.get(e.key), loads, seconds));
    }
    rows.push(
      ...(await runDetailVsBare({
        section: SECTION,
        appUrl: app.baseUrl,
        cookie,
        databaseUrl: opts.databaseUrl,
        runId: storedRunId,
        clients: CLIENTS,
        // 50 clients on a loaded machine need more than --quick's one second to get any answer.
        seconds: Math.max(seconds, 3),
        runDir: opts.runDir,
        log: opts.log,
      })),
    );
  } catch (error) {
    rows.push(errorRow(SECTION, "Dashboard API under load", error));
  } finally {
    await app?.stop();
  }
  rows.push(reuseRow, keysetRow);
  return rows;
}
