import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db, type Prisma } from "~/server/db/client";
import { storeIterationResult } from "~/server/runs/store";
import { PROBE_DEFINITIONS } from "~/worker/probes/catalog";
import { collectProbeLog } from "~/worker/probes/collect";
import { createUser } from "./helpers";

/**
 * `npm run backup` and `npm run restore` (scripts/backup.sh, restore.sh) against the real
 * PostgreSQL: a database holding runs with HDR histograms, probe results and report bytes is
 * dumped, restored into a fresh database, and compared table by table and byte by byte.
 */

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const sourceUrl = process.env.DATABASE_URL ?? "";
const restoredUrl = sourceUrl.replace(/\/([^/?]+)(\?.*)?$/, "/$1_restored$2");
const restoredName = new URL(restoredUrl).pathname.slice(1);

async function script(name: "backup" | "restore", args: string[], env: Record<string, string>) {
  return run("bash", [`scripts/${name}.sh`, ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function dropRestored(): Promise<void> {
  const admin = sourceUrl.replace(/\/([^/?]+)(\?.*)?$/, "/postgres$2");
  await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`));
}

/** Every table's row count, and an md5 of every histogram, report document and JSON column that holds figures. */
async function fingerprint(url: string) {
  return withClient(url, async (c) => {
    const tables = await c.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const counts: Record<string, number> = {};
    for (const { tablename } of tables.rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${tablename}"`);
      counts[tablename] = Number(r.rows[0]?.n);
    }
    const rows = async (sql: string) =>
      (await c.query<{ id: string; sum: string | null }>(sql)).rows.map((r) => `${r.id}:${r.sum}`);
    return {
      counts,
      histograms: await rows(`SELECT id, md5(histogram) AS sum FROM "RunResult" ORDER BY id`),
      reports: await rows(`SELECT id, md5(bytes) AS sum FROM "Report" ORDER BY id`),
      probeData: await rows(`SELECT id, md5(data::text || summary::text) AS sum FROM "ProbeResult" ORDER BY id`),
      snapshots: await rows(`SELECT "runId" AS id, md5(series::text) AS sum FROM "RunMetricsSnapshot" ORDER BY "runId"`),
      migrations: await rows(`SELECT migration_name AS id, checksum AS sum FROM "_prisma_migrations" ORDER BY migration_name`),
    };
  });
}

function iteration(n: number, latenciesUs: number[]): IterationResult {
  const h = createLatencyHistogram();
  for (const v of latenciesUs) recordLatencyUs(h, v);
  return {
    iteration: n,
    requestedQps: 1000,
    actualQps: 999 + n,
    count: latenciesUs.length,
    errors: { http_503: n },
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: [500, 499 + n],
    measuredSeconds: 2,
    components: [{ component: "upstream", role: "app", cpuCores: 0.5, maxRssBytes: 50_000_000 }],
    startedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n * 3)),
    finishedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n * 3 + 2)),
  };
}

/** A run with repetitions, probe results from recorded bpftrace output, a metrics snapshot and reports. */
async function fillDatabase(): Promise<void> {
  const admin = await createUser("ADMIN");
  const spec = runSpecSchema.parse({
    backend: "LOCAL",
    mesh: "nginx",
    rate: 1000,
    connections: 4,
    repetitions: 2,
    probes: ["runqlat"],
  });
  for (let r = 0; r < 3; r++) {
    const created = await db.benchmarkRun.create({
      data: {
        name: `backup ${r}`,
        mesh: "nginx",
        spec,
        status: "SUCCEEDED",
        progress: 100,
        createdById: admin.id,
        finishedAt: new Date(),
      },
    });
    // Latencies spread over five decades, so each histogram is a real, distinct encoding.
    for (const n of [1, 2]) {
      const latencies = Array.from({ length: 2_000 }, (_, i) => 50 + ((i * 7919 * (r + n)) % 100_000));
      await storeIterationResult(created.id, iteration(n, latencies));
    }
    const text = await readFile(path.join(ROOT, "test/fixtures/bpftrace/probe-runqlat.jsonl"), "utf8");
    const aggregate = collectProbeLog("runqlat", text, { intervalSeconds: 1 }).aggregate();
    await db.probeResult.create({
      data: {
        runId: created.id,
        iteration: 1,
        probe: "runqlat",
        node: "localhost",
        available: true,
        data: aggregate.data as unknown as Prisma.InputJsonValue,
        summary: PROBE_DEFINITIONS.runqlat.summarize(aggregate) as unknown as Prisma.InputJsonValue,
        startedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    await db.runMetricsSnapshot.create({
      data: {
        runId: created.id,
        startSeconds: 1_700_000_000,
        stepSeconds: 1,
        series: { p99: [{ labels: {}, values: [120, null, 130.5] }] },
      },
    });
    await db.report.create({
      data: {
        runIds: [created.id],
        format: "PDF",
        title: `report ${r}`,
        status: "SUCCEEDED",
        bytes: randomBytes(150_000 + r),
        sizeBytes: 150_000 + r,
      },
    });
  }
  const job = await db.probeJob.create({
    data: { probe: "tcp_retransmits", durationSeconds: 5, status: "FAILED", error: "eBPF unavailable" },
  });
  await db.probeResult.create({
    data: {
      probeJobId: job.id,
      probe: "tcp_retransmits",
      node: "localhost",
      available: false,
      reason: "no root",
      data: {},
      summary: {},
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  await db.auditEvent.create({ data: { userId: admin.id, action: "run.create", target: "backup", detail: { ok: true } } });
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "meshbench-backup-"));
  await dropRestored();
});
afterAll(async () => {
  await dropRestored();
  await rm(dir, { recursive: true, force: true });
});

describe("npm run backup / npm run restore", () => {
  it("round-trip every table, histogram and report byte into a fresh database", async () => {
    await fillDatabase();
    const before = await fingerprint(sourceUrl);
    for (const table of [
      "User",
      "BenchmarkRun",
      "RunResult",
      "ProbeResult",
      "ProbeJob",
      "Report",
      "RunMetricsSnapshot",
      "AuditEvent",
      "_prisma_migrations",
    ]) {
      expect(before.counts[table], table).toBeGreaterThan(0);
    }

    const backup = await script("backup", [], { DATABASE_URL: sourceUrl, BACKUP_DIR: dir, BACKUP_KEEP: "5" });
    expect(backup.code, backup.out).toBe(0);
    const [file] = (await readdir(dir)).filter((f) => f.endsWith(".dump"));
    expect(file).toMatch(/^meshbench-\d{8}T\d{6}\.\d{3}Z\.dump$/);

    const restore = await script("restore", [path.join(dir, file as string)], { DATABASE_URL: restoredUrl });
    expect(restore.code, restore.out).toBe(0);
    expect(restore.out).toContain(`creating database ${restoredName}`);

    const after = await fingerprint(restoredUrl);
    expect(after).toEqual(before);
    expect(after.histograms.length).toBeGreaterThanOrEqual(6);
    expect(after.reports.length).toBeGreaterThanOrEqual(3);
  });

  it("refuse to restore over a database that holds tables, and replace it with --force", async () => {
    const [file] = (await readdir(dir)).filter((f) => f.endsWith(".dump"));
    const dump = path.join(dir, file as string);
    await withClient(restoredUrl, (c) =>
      c.query(`CREATE TABLE "Extra" (x int); INSERT INTO "Extra" VALUES (1); DELETE FROM "Report"`),
    );

    const refused = await script("restore", [dump], { DATABASE_URL: restoredUrl });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/already holds \d+ table\(s\); refusing to restore over it.*--force/);
    expect((await fingerprint(restoredUrl)).counts.Extra).toBe(1);

    const forced = await script("restore", [dump, "--force"], { DATABASE_URL: restoredUrl });
    expect(forced.code, forced.out).toBe(0);
    const after = await fingerprint(restoredUrl);
    expect(after.counts.Extra).toBeUndefined();
    expect(after.reports).toEqual((await fingerprint(sourceUrl)).reports);
  });

  it("say what is wrong with a file that is not a dump, and leave the database alone", async () => {
    const bogus = path.join(dir, "not-a-dump.dump");
    await writeFile(bogus, "hello");
    const result = await script("restore", [bogus, "--force"], { DATABASE_URL: restoredUrl });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain("is not a pg_dump custom-format archive");
    expect((await fingerprint(restoredUrl)).counts.RunResult).toBeGreaterThan(0);
  });

  it("keep only the newest BACKUP_KEEP dumps", async () => {
    const keepDir = path.join(dir, "retention");
    const env = { DATABASE_URL: sourceUrl, BACKUP_DIR: keepDir, BACKUP_KEEP: "2" };
    const first = await script("backup", [], env);
    expect(first.code, first.out).toBe(0);
    // An old dump from another day, and a file that is not a dump: only the former may go.
    await writeFile(path.join(keepDir, "meshbench-20200101T000000.000Z.dump"), "old");
    await writeFile(path.join(keepDir, "notes.txt"), "keep me");
    const firstName = (await readdir(keepDir))
      .filter((f) => f.endsWith(".dump"))
      .sort()
      .at(-1);
    for (let i = 0; i < 2; i++) {
      const again = await script("backup", [], env);
      expect(again.code, again.out).toBe(0);
    }
    const left = (await readdir(keepDir)).sort();
    expect(left.filter((f) => f.endsWith(".dump"))).toHaveLength(2);
    expect(left).not.toContain("meshbench-20200101T000000.000Z.dump");
    expect(left).not.toContain(firstName);
    expect(left).toContain("notes.txt");
  });

  it("write nothing when pg_dump fails, and say so", async () => {
    const failDir = path.join(dir, "failing");
    const result = await script("backup", [], {
      DATABASE_URL: restoredUrl.replace(restoredName, "meshbench_no_such_db"),
      BACKUP_DIR: failDir,
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain("pg_dump failed");
    expect(await readdir(failDir)).toEqual([]);
  });
});
