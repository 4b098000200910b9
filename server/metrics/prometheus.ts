import { env } from "~/server/env";

/** Prometheus could not answer: down, unreachable, timed out or refused the query. */
export class MetricsUnavailableError extends Error {
  override name = "MetricsUnavailableError";
}

export interface Series {
  labels: Record<string, string>;
  /** [unix seconds, value]; NaN/Inf from Prometheus become null (missing, not zero). */
  points: [number, number | null][];
}

interface QueryRangeResponse {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

const TIMEOUT_MS = 4_000;

/** Prometheus HTTP API `query_range`. Only server code calls this; the browser never sees PromQL. */
export async function queryRange(
  promql: string,
  startSeconds: number,
  endSeconds: number,
  stepSeconds: number,
  baseUrl = env.PROMETHEUS_URL,
): Promise<Series[]> {
  const params = new URLSearchParams({
    query: promql,
    start: String(startSeconds),
    end: String(endSeconds),
    step: String(stepSeconds),
  });
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/v1/query_range`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: params,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new MetricsUnavailableError(`Prometheus at ${baseUrl} is unreachable (${cause})`);
  }
  const body = (await response.json().catch(() => null)) as QueryRangeResponse | null;
  if (!response.ok || body?.status !== "success" || !body.data) {
    throw new MetricsUnavailableError(`Prometheus refused the query (${response.status}): ${body?.error ?? "no body"}`);
  }
  return body.data.result.map((r) => ({
    labels: r.metric,
    points: r.values.map(([t, v]) => {
      const n = Number(v);
      return [t, Number.isFinite(n) ? n : null];
    }),
  }));
}
