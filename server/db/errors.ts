import { Prisma } from "./client";

/** Prisma's codes for "the database could not be reached or dropped the connection". */
const UNREACHABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** The driver adapter's kinds for the same, as Prisma forwards them in the error's meta. */
const UNREACHABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** pg's own socket errors, when a raw query fails before Prisma classifies it. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P03", "08006", "08001"]);

function driverAdapterKind(meta: unknown): string | undefined {
  if (typeof meta !== "object" || meta === null || !("driverAdapterError" in meta)) return undefined;
  const adapterError: unknown = meta.driverAdapterError;
  if (typeof adapterError !== "object" || adapterError === null || !("cause" in adapterError)) return undefined;
  const cause: unknown = adapterError.cause;
  return typeof cause === "object" && cause !== null && "kind" in cause && typeof cause.kind === "string"
    ? cause.kind
    : undefined;
}

/**
 * True when an error means "PostgreSQL is down or unreachable right now" rather than "this query
 * is wrong": the first is worth a 503 and a retry, the second is a bug or bad input.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Prisma.PrismaClientInitializationError) return true;
    if (e instanceof Prisma.PrismaClientKnownRequestError) {
      if (UNREACHABLE_CODES.has(e.code)) return true;
      const kind = driverAdapterKind(e.meta);
      if (kind && UNREACHABLE_KINDS.has(kind)) return true;
      // Raw queries (P2010) carry the connection failure only in their message.
      if (e.code === "P2010" && /Can't reach database server|Connection terminated|ECONNREFUSED/.test(e.message)) return true;
    }
    if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" && SOCKET_CODES.has(e.code)) return true;
    e = typeof e === "object" && e !== null && "cause" in e ? e.cause : undefined;
  }
  return false;
}
