import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/api/root";
import { CliError, EXIT } from "./exit-codes";

/**
 * The server, as the CLI reaches it: tRPC over HTTP (httpLink + superjson, as the app's own client
 * does; one request per call, no batching, so a CI log names each call) and plain fetch for the
 * download routes. Every request carries the API token as a bearer token; no cookie is ever kept.
 */

export interface Connection {
  /** The server's base URL, e.g. https://meshbench.example.com */
  url: URL;
  token: string;
}

/** MESHBENCH_URL and MESHBENCH_TOKEN, checked before anything is sent. */
export function connectionFromEnv(env: NodeJS.ProcessEnv): Connection {
  const raw = env.MESHBENCH_URL?.trim();
  if (!raw)
    throw new CliError(EXIT.usage, "Set MESHBENCH_URL to the MeshBench server's address (e.g. https://meshbench.example.com).");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(EXIT.usage, `MESHBENCH_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(EXIT.usage, `MESHBENCH_URL must be http(s): ${raw}`);
  const token = env.MESHBENCH_TOKEN?.trim();
  if (!token) throw new CliError(EXIT.usage, "Set MESHBENCH_TOKEN to an API token (create one on MeshBench's Tokens page).");
  return { url, token };
}

function endpoint(connection: Connection, path: string): string {
  return new URL(path.replace(/^\//, ""), connection.url.href.endsWith("/") ? connection.url : `${connection.url.href}/`).href;
}

export function apiClient(connection: Connection) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: endpoint(connection, "api/trpc"),
        transformer: superjson,
        headers: () => ({ authorization: `Bearer ${connection.token}` }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof apiClient>;

const INPUT_ERRORS = new Set([
  "BAD_REQUEST",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNPROCESSABLE_CONTENT",
]);
const AUTH_ERRORS = new Set(["UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"]);

/** A failed call as the exit status it deserves, with the server's own message. */
export function asCliError(error: unknown, what: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    const code = typeof data === "object" && data !== null && "code" in data && typeof data.code === "string" ? data.code : null;
    if (code && AUTH_ERRORS.has(code))
      return new CliError(EXIT.unreachable, `${what}: refused (${code.toLowerCase()}): ${error.message}`);
    if (code && INPUT_ERRORS.has(code)) return new CliError(EXIT.usage, `${what}: ${error.message}`);
    if (code) return new CliError(EXIT.unreachable, `${what}: the server failed (${code.toLowerCase()}): ${error.message}`);
    return new CliError(EXIT.unreachable, `${what}: could not talk to the server: ${describeCause(error)}`);
  }
  return new CliError(EXIT.unreachable, `${what}: ${describeCause(error)}`);
}

/** The message, with the first system error code down the cause chain (fetch hides ECONNREFUSED two levels deep). */
function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const details: string[] = [];
  for (let cause: unknown = error instanceof Error ? error.cause : undefined, depth = 0; cause && depth < 5; depth++) {
    if (!(cause instanceof Error)) break;
    const code = (cause as NodeJS.ErrnoException).code;
    if (cause.message !== (details.at(-1) ?? message)) details.push(code ? `${cause.message} (${code})` : cause.message);
    cause = cause.cause;
  }
  return details.length > 0 ? `${message}: ${details.join(": ")}` : message;
}

/** Runs one call, turning its failure into a CliError. */
export async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw asCliError(error, what);
  }
}

/** GET a download route with the bearer token; the body as bytes, or the exit status its failure deserves. */
export async function download(connection: Connection, path: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(endpoint(connection, path), {
      headers: { authorization: `Bearer ${connection.token}` },
      redirect: "manual",
    });
  } catch (error) {
    throw asCliError(error, what);
  }
  if (res.ok) return new Uint8Array(await res.arrayBuffer());
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === "string") message = `${message}: ${body.error}`;
  } catch {
    // not JSON: the status says enough
  }
  if (res.status === 401 || res.status === 403 || res.status === 429 || (res.status >= 300 && res.status < 400)) {
    throw new CliError(EXIT.unreachable, `${what}: refused (${message})`);
  }
  if (res.status >= 400 && res.status < 500) throw new CliError(EXIT.usage, `${what}: ${message}`);
  throw new CliError(EXIT.unreachable, `${what}: the server failed (${message})`);
}
