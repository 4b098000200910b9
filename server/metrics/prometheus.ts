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

interface QueryResponse<T> {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: T };
}

type MatrixResult = { metric: Record<string, string>; values: [number, string][] }[];
type VectorResult = { metric: Record<string, string>; value: [number, string] }[];

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
  const data = await post<MatrixResult>("query_range", params, baseUrl);
  return data.result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, finite(v)]) }));
}

export interface Sample {
  labels: Record<string, string>;
  /** NaN/Inf become null (missing, not zero). */
  value: number | null;
}

/** Prometheus HTTP API instant `query` at `timeSeconds`; an instant vector (empty when nothing matched). */
export async function queryInstant(promql: string, timeSeconds: number, baseUrl = env.PROMETHEUS_URL): Promise<Sample[]> {
  const params = new URLSearchParams({ query: promql, time: String(timeSeconds) });
  const data = await post<VectorResult>("query", params, baseUrl);
  if (data.resultType !== "vector") throw new MetricsUnavailableError(`Prometheus answered a ${data.resultType}, not a vector`);
  return data.result.map((r) => ({ labels: r.metric, value: finite(r.value[1]) }));
}

function finite(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

async function post<T>(endpoint: string, params: URLSearchParams, baseUrl: string): Promise<{ resultType: string; result: T }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/v1/${endpoint}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: params,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new MetricsUnavailableError(`Prometheus at ${baseUrl} is unreachable (${cause})`);
  }
  const body = (await response.json().catch(() => null)) as QueryResponse<T> | null;
  if (!response.ok || body?.status !== "success" || !body.data) {
    throw new MetricsUnavailableError(`Prometheus refused the query (${response.status}): ${body?.error ?? "no body"}`);
  }
  return body.data;
}
