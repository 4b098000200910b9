/**
 * The upstream every local benchmark ends at: a keep-alive HTTP/1.1 server answering every request
 * with 200 and a body of the configured size. Runs as its own process (so its CPU and memory are
 * measured apart from the load generator) and prints {"port": N, "pid": P} on stdout once listening,
 * which is how the parent learns the port when it asked for port 0.
 *
 *   node --import tsx echo-server.ts --port 0 --payload 1024 [--host 127.0.0.1] [--tag <runId>]
 *
 * `--tag` is not used here: it marks the command line so a run's processes can be recognised.
 */
import http from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    payload: { type: "string", default: "1024" },
    tag: { type: "string", default: "" },
  },
});

const port = Number(values.port);
const payloadBytes = Number(values.payload);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`bad --port ${values.port}`);
if (!Number.isInteger(payloadBytes) || payloadBytes < 0) throw new Error(`bad --payload ${values.payload}`);

// Built once: every response is the same bytes, so serving one costs no formatting or allocation.
const body = Buffer.alloc(payloadBytes, "x");
const headers: http.OutgoingHttpHeaders = {
  "content-type": "application/octet-stream",
  "content-length": String(payloadBytes),
};

const server = http.createServer((req, res) => {
  // Drain any request body so the connection stays usable for the next request.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
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
