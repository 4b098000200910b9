import { parseWrkBytes, parseWrkMetric, parseWrkTimeUs } from "./units";

/** What `wrk [--latency] [-s script]` printed, in plain units (µs, bytes, counts). */
export interface WrkOutput {
  threads: number;
  connections: number;
  /** The "Thread Stats" latency line (µs). */
  latency: { avgUs: number; stdevUs: number; maxUs: number } | null;
  /** `--latency` distribution: percentile (50, 75, 90, 99) → µs. Empty without --latency. */
  distribution: Record<number, number>;
  requests: number;
  durationSeconds: number;
  bytesRead: number;
  requestsPerSecond: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** "Non-2xx or 3xx responses"; 0 when wrk printed no such line. */
  non2xx3xx: number;
  /** The object a bench Lua script printed after JSON_MARKER in done(); null when none. */
  scriptJson: Record<string, number> | null;
}

/** Prefix our Lua scripts print before a JSON object in done() (exact percentiles, counts). */
export const JSON_MARKER = "MESHBENCH_JSON ";

function num(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`wrk output: not a number: ${String(text)}`);
  return n;
}

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`wrk output: cannot read ${what}`);
  return value;
}

function parseScriptJson(line: string): Record<string, number> {
  const parsed: unknown = JSON.parse(line.slice(line.indexOf(JSON_MARKER) + JSON_MARKER.length));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("wrk output: script JSON is not an object");
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === "number") out[k] = v;
  return out;
}

/** Parse wrk 4.x stdout. Throws when the summary lines are missing (wrk failed or was killed). */
export function parseWrkOutput(stdout: string): WrkOutput {
  const out: WrkOutput = {
    threads: 0,
    connections: 0,
    latency: null,
    distribution: {},
    requests: 0,
    durationSeconds: 0,
    bytesRead: 0,
    requestsPerSecond: 0,
    socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    non2xx3xx: 0,
    scriptJson: null,
  };
  let sawRequests = false;
  let sawRate = false;
  let inDistribution = false;
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    if (line.includes(JSON_MARKER)) {
      out.scriptJson = parseScriptJson(line);
      continue;
    }
    let m = /^(\d+) threads and (\d+) connections$/.exec(line);
    if (m) {
      out.threads = num(m[1]);
      out.connections = num(m[2]);
      continue;
    }
    m = /^Latency\s+(\S+)\s+(\S+)\s+(\S+)/.exec(line);
    if (m) {
      out.latency = {
        avgUs: need(parseWrkTimeUs(m[1] ?? ""), "latency avg"),
        stdevUs: need(parseWrkTimeUs(m[2] ?? ""), "latency stdev"),
        maxUs: need(parseWrkTimeUs(m[3] ?? ""), "latency max"),
      };
      continue;
    }
    if (/^Latency Distribution/.test(line)) {
      inDistribution = true;
      continue;
    }
    m = /^([\d.]+)%\s+(\S+)$/.exec(line);
    if (m && inDistribution) {
      out.distribution[num(m[1])] = need(parseWrkTimeUs(m[2] ?? ""), `latency at ${m[1]}%`);
      continue;
    }
    inDistribution = false;
    m = /^(\d+) requests in (\S+), (\S+) read$/.exec(line);
    if (m) {
      out.requests = num(m[1]);
      out.durationSeconds = need(parseWrkTimeUs(m[2] ?? ""), "duration") / 1e6;
      out.bytesRead = need(parseWrkBytes(m[3] ?? ""), "bytes read");
      sawRequests = true;
      continue;
    }
    m = /^Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)$/.exec(line);
    if (m) {
      out.socketErrors = { connect: num(m[1]), read: num(m[2]), write: num(m[3]), timeout: num(m[4]) };
      continue;
    }
    m = /^Non-2xx or 3xx responses: (\d+)$/.exec(line);
    if (m) {
      out.non2xx3xx = num(m[1]);
      continue;
    }
    m = /^Requests\/sec:\s+(\S+)$/.exec(line);
    if (m) {
      out.requestsPerSecond = need(parseWrkMetric(m[1] ?? ""), "requests/sec");
      sawRate = true;
    }
  }
  if (!sawRequests || !sawRate) throw new Error("wrk output: no summary (did wrk fail?)");
  return out;
}

/** Socket errors plus non-2xx/3xx responses: anything that is not a good answer. */
export function wrkErrorCount(w: WrkOutput): number {
  const s = w.socketErrors;
  return s.connect + s.read + s.write + s.timeout + w.non2xx3xx;
}
