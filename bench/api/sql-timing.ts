import type { Session } from "next-auth";
import pg from "pg";
import { median } from "~/bench/lib/stats";
import { createCaller } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import type { Endpoint, RunsCall } from "./endpoints";
import { type ExplainTiming, explainAnalyze } from "./explain";
import { captureSql } from "./sql-capture";

export interface EndpointSql {
  /** Median over sampled requests of the summed EXPLAIN ANALYZE execution time of its statements, ms. */
  executionMs: number;
  planningMs: number;
  statements: number;
  shapes: string[];
}

type Caller = ReturnType<typeof createCaller>;

function call(caller: Caller, c: RunsCall): Promise<unknown> {
  switch (c.procedure) {
    case "runs.list":
      return caller.runs.list(c.input);
    case "runs.get":
      return caller.runs.get(c.input);
    case "compare.runs":
      return caller.compare.runs(c.input);
  }
}

/**
 * The SQL each endpoint really sends: its procedures are called in-process through the tRPC
 * caller (same code as the HTTP route), the statements node-postgres receives are captured, and
 * each is EXPLAIN ANALYZEd with its own bind values. A batch's time is the sum of its statements.
 */
export async function endpointSql(
  databaseUrl: string,
  session: Session,
  endpoints: readonly Endpoint[],
  samples: number,
  repeats: number,
): Promise<Map<string, EndpointSql>> {
  const caller = createCaller(createInnerContext(session));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const out = new Map<string, EndpointSql>();
  try {
    for (const e of endpoints) {
      const exec: number[] = [];
      const plan: number[] = [];
      const shapes = new Set<string>();
      let statements = 0;
      for (const batch of e.batches.slice(0, samples)) {
        const { queries } = await captureSql(async () => {
          for (const c of batch) await call(caller, c);
        });
        const timings: ExplainTiming[] = [];
        for (const q of queries) timings.push(await explainAnalyze(client, q, repeats));
        exec.push(timings.reduce((a, t) => a + t.executionMs, 0));
        plan.push(timings.reduce((a, t) => a + t.planningMs, 0));
        for (const t of timings) shapes.add(t.shape);
        statements = queries.length;
      }
      out.set(e.key, { executionMs: median(exec), planningMs: median(plan), statements, shapes: [...shapes] });
    }
  } finally {
    await client.end();
  }
  return out;
}
