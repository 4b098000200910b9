import { JSON_MARKER } from "./wrk-output";

/**
 * Lua for wrk (Debian's wrk has LuaJIT). Every script ends with a done() that prints exact
 * figures wrk does not print itself (p95, p99.9) as one JSON line, read by parseWrkOutput.
 */
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${JSON_MARKER}{"requests":%d,"durationUs":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d,"maxUs":%d,"status":%d,"timeout":%d,"connect":%d,"read":%d,"write":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency:percentile(99.9), latency.max, e.status, e.timeout, e.connect, e.read, e.write))
end
`;

/** Just the exact-percentiles report. */
export function reportScript(): string {
  return DONE;
}

/**
 * Pace wrk's closed loop: before every request a connection waits a random whole number of
 * milliseconds, uniform on [0, 2·meanMs] (wrk timers have 1 ms granularity). The randomness keeps
 * connections from firing in lock-step bursts. Rate ≈ connections / (meanMs + response time).
 */
export function pacedScript(meanDelayMs: number): string {
  const twice = Math.round(meanDelayMs * 2);
  if (twice < 1) throw new RangeError("pacedScript: mean delay must be at least 0.5 ms");
  return `math.randomseed(os.time())
delay = function()
  return math.floor(math.random() * ${twice + 1})
end
${DONE}`;
}

function luaString(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

/** Rotate over request paths (each connection-thread from a random start), with fixed extra headers. */
export function rotatingScript(paths: readonly string[], headers: Record<string, string>): string {
  if (paths.length === 0) throw new RangeError("rotatingScript: no paths");
  const headerLines = Object.entries(headers)
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join("\n");
  return `local paths = {
${paths.map((p) => `  ${luaString(p)},`).join("\n")}
}
${headerLines}
math.randomseed(os.time())
local i = math.random(#paths)
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
${DONE}`;
}
