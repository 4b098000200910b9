/**
 * The upstream every local benchmark ends at: a keep-alive HTTP/1.1 server answering every request
 * with 200 and a body of the configured size. Runs as its own process (so its CPU and memory are
 * measured apart from the load generator) and prints {"port": N, "pid": P} on stdout once listening,
 * which is how the parent learns the port when it asked for port 0.
 *
 *   node --import tsx echo-server.ts --port 0 --payload 1024 [--host 127.0.0.1] [--tag <runId>]
 *        [--service-time '<core/service-time.ts JSON>' --seed N]
 *
 * With a service time, each response waits for a delay drawn from it (seeded, so a run can be
 * repeated draw for draw). The wait is a timer, never shorter than the draw and usually within
 * about a millisecond of it.
 *
 * `--tag` is not used here: it marks the command line so a run's processes can be recognised.
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { serviceTimeSchema } from "~/core/service-time";
import { serviceTimeSampler } from "~/core/service-time-sampler";
import { seededRng } from "~/core/stats";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    payload: { type: "string", default: "1024" },
    tag: { type: "string", default: "" },
    "service-time": { type: "string" },
    seed: { type: "string", default: "0" },
  },
});

const port = Number(values.port);
const payloadBytes = Number(values.payload);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`bad --port ${values.port}`);
if (!Number.isInteger(payloadBytes) || payloadBytes < 0) throw new Error(`bad --payload ${values.payload}`);

const serviceTime = values["service-time"] === undefined ? null : serviceTimeSchema.parse(JSON.parse(values["service-time"]));
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`bad --seed ${values.seed}`);
const nextDelayMs = serviceTime ? serviceTimeSampler(serviceTime, seededRng(serviceTime.seed ?? seed)) : null;

// Built once: every response is the same bytes, so serving one costs no formatting or allocation.
const body = Buffer.alloc(payloadBytes, "x");
const headers: http.OutgoingHttpHeaders = {
  "content-type": "application/octet-stream",
  "content-length": String(payloadBytes),
};

const server = http.createServer((req, res) => {
  // Drain any request body so the connection stays usable for the next request.
  req.resume();
  const delayMs = nextDelayMs?.() ?? 0;
  if (delayMs <= 0) {
    res.writeHead(200, headers);
    res.end(body);
    return;
  }
  // libuv starts a timer from the loop's cached clock, up to a millisecond stale, so one timer can
  // fire early: re-arm until the delay has really passed.
  const due = performance.now() + delayMs;
  const fire = () => {
    const left = due - performance.now();
    if (left > 0) {
      timer = setTimeout(fire, left);
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  };
  let timer = setTimeout(fire, delayMs);
  res.on("close", () => clearTimeout(timer));
});
// Benchmarks hold connections open between iterations: don't let Node's 5 s default close them.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(port, values.host, () => {
  const address = server.address();
  const chosen = typeof address === "object" && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ port: chosen, pid: process.pid })}\n`);
});

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Never hang on shutdown: the parent escalates to SIGKILL anyway, but exit cleanly first.
  setTimeout(() => process.exit(0), 1_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
