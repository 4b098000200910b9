/**
 * Readiness: whether this process's dependencies answer right now. Shared by the web's
 * /api/health/ready and the worker's /health/ready, which each pass their own checks.
 *
 * A failure is described by a fixed phrase and at most an error code (ECONNREFUSED, P1001, …),
 * never by the driver's message: those carry host names, ports and sometimes user names, and the
 * endpoint answers anyone who can reach it.
 */

export interface DependencyCheck {
  /** What is checked, e.g. "postgres"; the key in the answer. */
  name: string;
  /** Resolves when the dependency answered; rejects when it did not. */
  check: () => Promise<unknown>;
}

/** A failure whose message is safe to show as the reason (written by a check, not a driver). */
export class DependencyFailure extends Error {}

export type CheckOutcome = { status: "ok" } | { status: "failed"; reason: string };

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, CheckOutcome>;
}

/** How long one check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 2_000;

class CheckTimeout extends Error {}

const CODE = /^[A-Za-z0-9_]{2,40}$/;

/** The error's code (socket errno, Prisma or SQLSTATE code), if it has one that looks like a code. */
function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    for (const key of ["code", "kind", "originalCode"] as const) {
      const value: unknown = (current as Record<string, unknown>)[key];
      if (typeof value === "string" && CODE.test(value)) return value;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The reason a check failed, safe to show to whoever asks: no message text, no address. */
export function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof CheckTimeout) return `no answer within ${timeoutMs} ms`;
  if (error instanceof DependencyFailure) return error.message;
  const code = errorCode(error);
  return code ? `connection or query failed (${code})` : "connection or query failed";
}

async function runCheck(check: DependencyCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: "ok" };
  } catch (error) {
    return { status: "failed", reason: failureReason(error, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once, each within timeoutMs. */
export async function checkReadiness(checks: readonly DependencyCheck[], timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const outcomes = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
  const entries = checks.map((c, i) => [c.name, outcomes[i] ?? { status: "failed", reason: "not run" }] as const);
  return {
    status: outcomes.every((o) => o.status === "ok") ? "ok" : "unavailable",
    checks: Object.fromEntries(entries),
  };
}

/** The HTTP answer: 200 when ready, 503 naming what failed; never cached. */
export function readinessBody(readiness: Readiness): { status: number; body: string } {
  return { status: readiness.status === "ok" ? 200 : 503, body: JSON.stringify(readiness) };
}

export const LIVE_BODY = JSON.stringify({ status: "ok" });
