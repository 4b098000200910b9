import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import superjson from "superjson";
import { RESULT_ROWS_SQL, RUN_ROW_SQL } from "./bare-run-detail-sql";
import { type BareResultRow, type BareRunRow, bareRunDetailView } from "./bare-run-detail-view";

/** The pool size of the app's database client (PrismaPg builds a pg.Pool with pg's default). */
const POOL_SIZE = 10;

export interface BareRunDetail {
  baseUrl: string;
  stop(): Promise<void>;
}

/** The run id from tRPC's batch GET for a single runs.get call: `input={"0":{"json":{"id":…}}}`. */
export function runIdOfBatchPath(url: string): string | null {
  const parsed = new URL(url, "http://bare");
  if (parsed.pathname !== "/api/trpc/runs.get") return null;
  let input: unknown;
  try {
    input = JSON.parse(parsed.searchParams.get("input") ?? "");
  } catch {
    return null;
  }
  if (typeof input !== "object" || input === null || !("0" in input)) return null;
  const first = input["0"];
  if (typeof first !== "object" || first === null || !("json" in first)) return null;
  const json = first.json;
  return typeof json === "object" && json !== null && "id" in json && typeof json.id === "string" ? json.id : null;
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The reference for runs.get: node:http and a pg pool, the product's two statements run
 * concurrently as detail.ts runs them, the view built from the rows and sent in tRPC's batch
 * envelope serialized by superjson, as the tRPC route serializes it. No session check, no ETag,
 * no schema parsing of the JSON columns: what is left is the floor a handler cannot go under.
 */
export async function startBareRunDetail(databaseUrl: string): Promise<BareRunDetail> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = runIdOfBatchPath(req.url ?? "/");
    if (id === null) return reply(res, 404, `[{"error":{"json":{"message":"not runs.get"}}}]`);
    const [runs, results] = await Promise.all([
      pool.query<BareRunRow>(RUN_ROW_SQL, [id]),
      pool.query<BareResultRow>(RESULT_ROWS_SQL, [id]),
    ]);
    const run = runs.rows[0];
    const view = run ? bareRunDetailView(run, results.rows) : null;
    if (!view) return reply(res, 404, `[{"error":{"json":{"message":"no run with stored statistics"}}}]`);
    reply(res, 200, JSON.stringify([{ result: { data: superjson.serialize(view) } }]));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, JSON.stringify({ error: String(error) })));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
