/**
 * Experiment (not part of `npm run bench`): where the dashboard API's time goes, in-process, on
 * the bench database (run `npm run bench -- --only=2` once first to seed it).
 *
 *   npx tsx bench/experimental/api-breakdown.ts
 */
import { applyBenchEnv } from "~/bench/env";

const env = applyBenchEnv();
const { default: pg } = await import("pg");
const { encode, decode } = await import("next-auth/jwt");
const { default: superjson } = await import("superjson");
const { createCaller } = await import("~/server/api/root");
const { createInnerContext } = await import("~/server/api/trpc");
const { db } = await import("~/server/db/client");
const { decodeHistogram, mergeHistograms, percentileSpectrum, summarize } = await import("~/core/histogram");
const { runDetail } = await import("~/server/runs/detail");
const { median } = await import("~/bench/lib/stats");

async function time(label: string, n: number, fn: () => Promise<unknown> | unknown): Promise<void> {
  for (let i = 0; i < 5; i++) await fn(); // warm
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  console.log(`${label.padEnd(58)} median ${median(samples).toFixed(3)} ms`);
}

const client = new pg.Client({ connectionString: env.databaseUrl });
await client.connect();
const user = (
  await client.query<{ id: string; email: string }>(`SELECT "id", "email" FROM "User" WHERE "email" LIKE 'bench-%' LIMIT 1`)
).rows[0];
if (!user) throw new Error("seed the bench database first: npm run bench -- --only=2");
const ids = (
  await client.query<{ id: string }>(`SELECT "runId" AS id FROM "RunResult" GROUP BY "runId" HAVING count(*) = 3 LIMIT 50`)
).rows.map((r) => r.id);
const caller = createCaller(
  createInnerContext({
    user: { id: user.id, email: user.email, role: "VIEWER" },
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  }),
);
let k = 0;
const nextId = () => ids[k++ % ids.length] ?? "";

await time("runs.list via tRPC caller (Prisma + zod + procedure)", 200, () => caller.runs.list({ limit: 25 }));
await time("same list SQL through raw pg", 200, () =>
  client.query(
    `SELECT "id","name","backend"::text,"mesh","status"::text,"progress","error","createdAt","startedAt","finishedAt","p50Us","p99Us","actualQps","errorCount","requestCount" FROM "BenchmarkRun" ORDER BY "createdAt" DESC, "id" DESC LIMIT 26`,
  ),
);
await time("prisma findUnique run + results + createdBy (3 reps)", 200, () =>
  db.benchmarkRun.findUnique({
    where: { id: nextId() },
    include: { results: { orderBy: { iteration: "asc" } }, createdBy: { select: { email: true, name: true } } },
  }),
);
const run = await db.benchmarkRun.findUnique({ where: { id: ids[0] ?? "" }, include: { results: true } });
const encoded = (run?.results ?? []).flatMap((r) => (r.histogram ? [Buffer.from(r.histogram).toString("base64")] : []));
await time("decode 3 histograms", 200, () => encoded.map(decodeHistogram));
const hs = encoded.map(decodeHistogram);
await time("merge 3 histograms", 200, () => mergeHistograms(hs));
const merged = mergeHistograms(hs);
await time("summarize merged + 3 per-iteration summaries", 200, () => [merged, ...hs].map(summarize));
await time("  of which: histogram.mean (library iterator), merged", 200, () => merged.mean);
await time("  of which: 6 × getValueAtPercentile, merged", 200, () =>
  [50, 75, 90, 99, 99.9, 0].map((p) => merged.getValueAtPercentile(p)),
);
await time("percentileSpectrum(merged)", 200, () => percentileSpectrum(merged));
console.log(`  spectrum points: ${percentileSpectrum(merged).length}`);
await time("runDetail (whole procedure body)", 200, () => runDetail(nextId()));
const detail = await runDetail(ids[0] ?? "");
await time("superjson.serialize(runDetail)", 200, () => JSON.stringify(superjson.serialize(detail)));
const secret = "x".repeat(40);
const token = await encode({ token: { sub: user.id, uid: user.id, role: "VIEWER", email: user.email }, secret });
await time("next-auth JWT decode (session cookie, every request)", 200, () => decode({ token, secret }));
await client.end();
process.exit(0);
