import type { ProbeMeta, ProbeScope } from "~/core/probes";
import type { ProbeScopeInput } from "./types";

/**
 * Turns the caller's scope into something safe to paste into a bpftrace program. Comm names end
 * up inside a string literal, so anything that could close it (quotes, backslashes, control
 * characters) is refused rather than escaped.
 */
const MAX_ITEMS = 256;
/** The kernel keeps 15 characters of a thread name (TASK_COMM_LEN - 1). */
export const COMM_LENGTH = 15;
const PID_MAX = 4_194_304;

export type ScopeResolution = { ok: true; scope: ProbeScope; warnings: string[] } | { ok: false; error: string };

export function resolveScope(meta: ProbeMeta, input: ProbeScopeInput = {}): ScopeResolution {
  const warnings: string[] = [];
  const pids = [...new Set(input.pids ?? [])];
  const comms = [...new Set(input.comms ?? [])];
  const ports = [...new Set(input.ports ?? [])];

  if (pids.length > MAX_ITEMS || comms.length > MAX_ITEMS || ports.length > MAX_ITEMS) {
    return { ok: false, error: `at most ${MAX_ITEMS} pids, comms and ports each` };
  }
  const badPid = pids.find((p) => !Number.isInteger(p) || p <= 0 || p > PID_MAX);
  if (badPid !== undefined) return { ok: false, error: `invalid pid ${badPid}` };
  const badPort = ports.find((p) => !Number.isInteger(p) || p <= 0 || p > 65_535);
  if (badPort !== undefined) return { ok: false, error: `invalid port ${badPort}` };
  const badComm = comms.find((c) => !/^[\x20-\x7e]+$/.test(c) || c.includes('"') || c.includes("\\"));
  if (badComm !== undefined) return { ok: false, error: `invalid command name ${JSON.stringify(badComm)}` };

  const truncated = comms.map((c) => c.slice(0, COMM_LENGTH));
  if (truncated.some((c, i) => c !== comms[i]))
    warnings.push(`command names are matched on their first ${COMM_LENGTH} characters`);

  const keep = {
    pids: meta.scoping.pids ? pids : [],
    comms: meta.scoping.comms ? [...new Set(truncated)] : [],
    ports: meta.scoping.ports ? ports : [],
  };
  const ignored = [
    !meta.scoping.pids && pids.length > 0 ? "pids" : null,
    !meta.scoping.comms && comms.length > 0 ? "command names" : null,
    !meta.scoping.ports && ports.length > 0 ? "ports" : null,
  ].filter((x) => x !== null);
  if (ignored.length > 0) warnings.push(`${meta.name} cannot be limited by ${ignored.join(" or ")}: ${meta.scopeNote}`);

  const scoped = keep.pids.length + keep.comms.length + keep.ports.length > 0;
  return { ok: true, scope: { hostWide: !scoped, ...keep }, warnings };
}

/**
 * `pid == 1 || comm == "nginx"` for the scoped case; otherwise everything but the idle task and
 * bpftrace itself (its own reads of the perf buffer would otherwise be in every host-wide count).
 */
export function processPredicate(scope: ProbeScope, pidExpr = "pid", commExpr = "comm"): string {
  const terms = [...scope.pids.map((p) => `${pidExpr} == ${p}`), ...scope.comms.map((c) => `${commExpr} == "${c}"`)];
  // pid 0 is the idle task ("swapper/N"): switching away from idle is not a process's switch.
  return terms.length > 0 ? terms.join(" || ") : `${pidExpr} != 0 && ${commExpr} != "bpftrace"`;
}

/** `(sport == 80 || dport == 80)`, or null when no ports were given. */
export function portPredicate(scope: ProbeScope, sportExpr: string, dportExpr: string): string | null {
  if (scope.ports.length === 0) return null;
  return scope.ports.map((p) => `${sportExpr} == ${p} || ${dportExpr} == ${p}`).join(" || ");
}

/** Comm-only predicate for probes that cannot filter by pid; null when no comms were given. */
export function commPredicate(scope: ProbeScope, commExpr: string): string | null {
  if (scope.comms.length === 0) return null;
  return scope.comms.map((c) => `${commExpr} == "${c}"`).join(" || ");
}
