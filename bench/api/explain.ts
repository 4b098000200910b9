import type pg from "pg";
import { z } from "zod";
import { median } from "~/bench/lib/stats";
import type { CapturedQuery } from "./sql-capture";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const planNode: z.ZodType<PlanNode> = z.lazy(() =>
  z.object({
    "Node Type": z.string(),
    "Index Name": z.string().optional(),
    "Relation Name": z.string().optional(),
    Plans: z.array(planNode).optional(),
  }),
);

const explainOutput = z.array(z.object({ Plan: planNode, "Planning Time": z.number(), "Execution Time": z.number() })).length(1);

export interface ExplainTiming {
  /** Median "Execution Time" over the repeats, ms. */
  executionMs: number;
  planningMs: number;
  /** The plan's nodes, depth first: "Limit > Index Scan (BenchmarkRun_createdAt_id_idx)". */
  shape: string;
}

export function planShape(node: PlanNode): string {
  const self = `${node["Node Type"]}${node["Index Name"] ? ` (${node["Index Name"]})` : node["Relation Name"] ? ` (${node["Relation Name"]})` : ""}`;
  const children = (node.Plans ?? []).map(planShape);
  if (children.length === 0) return self;
  return `${self} > ${children.length === 1 ? children[0] : `[${children.join(" ; ")}]`}`;
}

/** EXPLAIN (ANALYZE, FORMAT JSON) the statement `repeats` times (warm cache) with its own bind values. */
export async function explainAnalyze(client: pg.ClientBase, q: CapturedQuery, repeats: number): Promise<ExplainTiming> {
  const execution: number[] = [];
  const planning: number[] = [];
  let shape = "";
  for (let i = 0; i < repeats; i++) {
    const res = await client.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.text}`, q.values);
    const parsed = explainOutput.parse(res.rows[0]?.["QUERY PLAN"]);
    const top = parsed[0];
    if (!top) throw new Error("EXPLAIN returned no plan");
    execution.push(top["Execution Time"]);
    planning.push(top["Planning Time"]);
    shape = planShape(top.Plan);
  }
  return { executionMs: median(execution), planningMs: median(planning), shape };
}
