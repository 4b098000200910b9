import { Prisma } from "./client";

/**
 * What a failed database call means: for the web, whether to answer 503 (the database is away)
 * rather than 500; for the worker, whether to retry, spool or give up:
 * - "unreachable": the database is down, restarting or cut off; the same call may work later;
 * - "duplicate": a unique key says the row is already there (a retried or replayed write);
 * - "owner-gone": a foreign key says the row it belongs to was deleted meanwhile;
 * - "other": anything else, which retrying would not fix.
 */
export type DatabaseFailure = "unreachable" | "duplicate" | "owner-gone" | "other";

/** Prisma's own codes for a server it cannot reach, a lost connection or a timed-out pool. */
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** The driver adapter's error kinds for the same (raw queries report them under P2010). */
const UNREACHABLE_DRIVER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** Raw queries (P2010) that failed on the connection carry it only in their message. */
const UNREACHABLE_RAW_MESSAGE = /Can't reach database server|Connection terminated|ECONNREFUSED/;
/** PostgreSQL's SQLSTATEs of a server shutting down or starting up, and the connection class 08. */
const UNREACHABLE_SQLSTATE = /^(08|57P0[1-3])/;
/** Socket errors, as pg reports them before Prisma wraps them (or when it does not). */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

interface DriverAdapterCause {
  kind?: unknown;
  originalCode?: unknown;
}

function driverCause(error: Prisma.PrismaClientKnownRequestError): DriverAdapterCause | null {
  const meta: unknown = error.meta;
  if (typeof meta !== "object" || meta === null || !("driverAdapterError" in meta)) return null;
  const adapterError: unknown = meta.driverAdapterError;
  if (typeof adapterError !== "object" || adapterError === null || !("cause" in adapterError)) return null;
  const cause: unknown = adapterError.cause;
  return typeof cause === "object" && cause !== null ? (cause as DriverAdapterCause) : null;
}

export function classifyDatabaseError(error: unknown): DatabaseFailure {
  if (error instanceof Prisma.PrismaClientInitializationError) return "unreachable";
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = driverCause(error);
    if (error.code === "P2002" || cause?.kind === "UniqueConstraintViolation") return "duplicate";
    if (error.code === "P2003" || cause?.kind === "ForeignKeyConstraintViolation") return "owner-gone";
    if (UNREACHABLE_PRISMA_CODES.has(error.code)) return "unreachable";
    if (typeof cause?.kind === "string" && UNREACHABLE_DRIVER_KINDS.has(cause.kind)) return "unreachable";
    if (typeof cause?.originalCode === "string" && UNREACHABLE_SQLSTATE.test(cause.originalCode)) return "unreachable";
    if (error.code === "P2010" && UNREACHABLE_RAW_MESSAGE.test(error.message)) return "unreachable";
    return "other";
  }
  if (error instanceof Error && "code" in error && typeof error.code === "string" && SOCKET_CODES.has(error.code)) {
    return "unreachable";
  }
  return "other";
}

export const isDatabaseUnreachable = (error: unknown): boolean => classifyDatabaseError(error) === "unreachable";

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Prisma's messages quote the calling code over several lines; the last line says what happened. */
export function shortDatabaseError(error: unknown): string {
  const lines = errorMessage(error)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? "unknown error";
}
