import { runWrk } from "~/bench/lib/wrk";
import { rotatingScript } from "~/bench/lib/wrk-lua";
import { wrkErrorCount } from "~/bench/lib/wrk-output";

export interface HttpLoad {
  /** null when no request completed in the window: wrk then prints 0, which is not a latency. */
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
  rps: number;
  requests: number;
  errors: number;
}

/** Closed loop: `clients` keep-alive connections, each sending the next request when the last returns. */
export async function loadPaths(
  baseUrl: string,
  paths: readonly string[],
  cookie: string,
  clients: number,
  seconds: number,
  scriptDir: string,
): Promise<HttpLoad> {
  const w = await runWrk({
    url: `${baseUrl}/`,
    threads: 1,
    connections: clients,
    durationSeconds: seconds,
    timeoutSeconds: 10,
    script: rotatingScript(paths, { Cookie: cookie }),
    scriptDir,
  });
  const j = w.output.scriptJson;
  if (!j || j.p50 === undefined || j.p95 === undefined || j.p99 === undefined)
    throw new Error("wrk script printed no percentiles");
  const answered = w.output.requests > 0;
  return {
    p50Us: answered ? j.p50 : null,
    p95Us: answered ? j.p95 : null,
    p99Us: answered ? j.p99 : null,
    rps: w.output.requestsPerSecond,
    requests: w.output.requests,
    errors: wrkErrorCount(w.output),
  };
}

/** A tRPC batch response where every call has a result and none an error. */
export function batchSucceeded(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  return (
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every((item: unknown) => typeof item === "object" && item !== null && "result" in item && !("error" in item))
  );
}

/** One request per path shape before measuring: every endpoint must answer 200 with no tRPC error. */
export async function checkPaths(baseUrl: string, paths: readonly string[], cookie: string): Promise<void> {
  for (const p of paths) {
    const res = await fetch(`${baseUrl}${p}`, { headers: { cookie } });
    const body = await res.text();
    if (res.status !== 200 || !batchSucceeded(body))
      throw new Error(`GET ${p.slice(0, 60)}… → HTTP ${res.status}: ${body.slice(0, 160)}`);
  }
}
