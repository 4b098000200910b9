import { db, Prisma } from "~/server/db/client";
import { errorMessage, isDatabaseUnreachable, shortDatabaseError } from "~/server/db/errors";
import { publishRowEvent } from "../live-events";
import { noteDatabaseFailure } from "./database-outage";
import { retryWhileDatabaseUnreachable } from "./database-retry";
import { recordHeldRow, recordPendingEnd, releaseHeldRow } from "./held-rows";

/**
 * The tables whose rows a BullMQ job stands for (job id = row id). They share the lifecycle
 * columns (status as "RunStatus", progress, phase, error, cancelRequestedAt, heartbeatAt,
 * startedAt, finishedAt), so one runner and one reconciler serve all three through raw SQL. The
 * names are a closed list: only these identifiers ever reach a statement.
 */
const TABLES = {
  BenchmarkRun: Prisma.raw('"BenchmarkRun"'),
  ProbeJob: Prisma.raw('"ProbeJob"'),
  Report: Prisma.raw('"Report"'),
} as const;

export type RowJobTable = keyof typeof TABLES;

/** The quoted identifier of a row-job table, for a raw statement. */
export function rowJobTableSql(table: RowJobTable): Prisma.Sql {
  return TABLES[table];
}

export type FinalStatus = "SUCCEEDED" | "FAILED" | "CANCELLED";
export type RowJobOutcome = FinalStatus | "SKIPPED";

/** How a row ends when the work decides it itself instead of the defaults. */
export interface RowJobEnd {
  status: FinalStatus;
  error: string | null;
}

export interface RowJobContext {
  /** Aborted when an admin cancels the row or the worker shuts down; its reason says which. */
  signal: AbortSignal;
  /** 0..100; never goes back, so a late or repeated report cannot move the bar backwards. */
  setProgress: (percent: number) => void;
  /** What the worker is doing now, shown while the row is RUNNING. */
  setPhase: (phase: string | null) => void;
  log: (message: string) => void;
  /** True once the signal was aborted by a cancel request (not by a shutdown). */
  cancelRequested: () => boolean;
}

export interface RowJobOptions {
  log: (message: string) => void;
  /** Aborted when the worker shuts down; the row then ends FAILED with `interruptedError`. */
  shutdownSignal?: AbortSignal;
  heartbeatMs?: number;
  /** Written by the claim, before the work starts. */
  initialProgress?: number;
  initialPhase?: string | null;
  /** Mirrors progress elsewhere (the BullMQ job); best effort, failures are only logged. */
  onProgress?: (percent: number) => void | Promise<void>;
  cancelledError?: string;
  interruptedError?: string;
  /** The stored error for a failure that was not a cancel or a shutdown. */
  describeError?: (error: unknown) => string;
}

/** The reason the context's signal carries, telling a cancel from a shutdown. */
export class RowJobStop extends Error {
  constructor(
    readonly kind: "cancelled" | "interrupted",
    message: string,
  ) {
    super(message);
    this.name = "RowJobStop";
  }
}

const PHASE_MAX_CHARS = 200;

/**
 * Runs one row from QUEUED to a final state, the same way for every row-job table:
 *
 * - the claim (QUEUED → RUNNING) is a conditional update, so a row cancelled while queued, deleted,
 *   or already taken by another worker is never run twice: "SKIPPED";
 * - a heartbeat every `heartbeatMs` proves the worker alive (the reconciler fails rows whose
 *   heartbeat goes stale), stores progress and phase, and picks up a cancel request, which aborts
 *   the signal handed to `work`; a worker shutdown aborts it too;
 * - the finish is conditional on the row still being RUNNING, so a row deleted meanwhile, or
 *   already failed by the reconciler, is left as it is: "SKIPPED";
 * - while the row runs, a file under var/ names this process as its holder (held-rows.ts), so if
 *   the process dies the next worker on the machine settles the row at start-up;
 * - the finish is retried while the database is unreachable; if the worker shuts down before it
 *   could be written, the end is left in that file for the next worker to write.
 *
 * `work` writes its table's own columns (results, report bytes) before it returns. Returning
 * normally means SUCCEEDED, or CANCELLED / FAILED (interrupted) when the signal was aborted and
 * the work stopped early keeping what it had; throwing means CANCELLED when cancelled, FAILED
 * otherwise. `work` may also return a RowJobEnd to decide itself.
 */
export async function runRowJob(
  table: RowJobTable,
  id: string,
  options: RowJobOptions,
  work: (ctx: RowJobContext) => Promise<RowJobEnd | undefined>,
): Promise<RowJobOutcome> {
  const { log } = options;
  const row = rowStatements(table, id);
  let progress = Math.min(100, Math.max(0, options.initialProgress ?? 0));
  let phase = options.initialPhase ?? null;
  if (!(await row.claim(progress, phase))) {
    log("not queued any more (cancelled, deleted or already handled): skipped");
    return "SKIPPED";
  }
  void publishRowEvent({ table, id, status: "RUNNING", progress, phase });
  // Without the file a crash is still caught, only later (the reconciler's stale heartbeat).
  await recordHeldRow(table, id).catch((error: unknown) => log(`could not record the row as held: ${errorMessage(error)}`));

  const abort = new AbortController();
  const stop = (kind: RowJobStop["kind"], message: string) => {
    if (!abort.signal.aborted) abort.abort(new RowJobStop(kind, message));
  };
  const onShutdown = () => stop("interrupted", options.interruptedError ?? "Interrupted: the worker shut down while running it");
  options.shutdownSignal?.addEventListener("abort", onShutdown, { once: true });
  if (options.shutdownSignal?.aborted) onShutdown();
  const heartbeat = startHeartbeat(
    options.heartbeatMs ?? 1000,
    async () => {
      const cancelRequested = await row.beat(progress, phase);
      // After the write, so a page that refetches on this event reads at least this state.
      void publishRowEvent({ table, id, status: "RUNNING", progress, phase, cancelRequested });
      if (cancelRequested) stop("cancelled", options.cancelledError ?? "Cancelled by an admin");
    },
    log,
  );

  const ctx: RowJobContext = {
    signal: abort.signal,
    setProgress: (percent) => {
      const next = Math.min(100, Math.max(progress, percent));
      if (next === progress) return;
      progress = next;
      // The database copy written by the heartbeat is the one the dashboard reads; the mirror
      // may be gone (Redis flushed) without harm.
      Promise.resolve(options.onProgress?.(progress)).catch((error: unknown) =>
        log(`progress update failed: ${errorMessage(error)}`),
      );
    },
    setPhase: (next) => {
      phase = next === null ? null : next.slice(0, PHASE_MAX_CHARS);
    },
    log,
    cancelRequested: () => abort.signal.aborted && (abort.signal.reason as RowJobStop).kind === "cancelled",
  };

  let end: RowJobEnd;
  try {
    end = (await work(ctx)) ?? endAfterReturn(abort.signal);
  } catch (error) {
    end = abort.signal.aborted
      ? endAfterStop(abort.signal)
      : { status: "FAILED", error: options.describeError?.(error) ?? errorMessage(error) };
  } finally {
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    // A heartbeat still in flight could land after the finish and bring back a phase on a
    // finished row; it is awaited first.
    await heartbeat.stop();
  }
  if (end.status !== "SUCCEEDED") log(`${end.status.toLowerCase()}: ${end.error}`);
  const finalProgress = end.status === "SUCCEEDED" ? 100 : progress;
  let finished: boolean;
  try {
    finished = await retryWhileDatabaseUnreachable(() => row.finish(end, finalProgress), {
      stop: options.shutdownSignal,
      onUnreachable: (error, attempts) => {
        if (attempts === 1) log(`finishing: database unreachable (${shortDatabaseError(error)}), retrying`);
      },
    });
  } catch (error) {
    if (!isDatabaseUnreachable(error)) throw error;
    // Shutting down with the database away: the next worker on this machine writes the end.
    await recordPendingEnd(table, id, { ...end, progress: finalProgress });
    log(`${end.status.toLowerCase()}, but the database is unreachable: the next worker writes it`);
    return end.status;
  }
  await releaseHeldRow(table, id).catch((error: unknown) => log(`could not release the held row: ${errorMessage(error)}`));
  if (finished) void publishRowEvent({ table, id, status: end.status, progress: finalProgress, phase: null });
  if (!finished) {
    log("deleted or settled by the reconciler while running: skipped");
    return "SKIPPED";
  }
  return end.status;
}

/**
 * RUNNING → a final status, phase cleared, for a row this process does not run itself (one a
 * dead worker held); `progress` null keeps the row's own. False when the row is not RUNNING.
 */
export async function finishRow(table: RowJobTable, id: string, end: RowJobEnd, progress: number | null): Promise<boolean> {
  const finished = await rowStatements(table, id).finish(end, progress);
  if (finished) void publishRowEvent({ table, id, status: end.status, progress, phase: null });
  return finished;
}

/**
 * The three conditional statements of the lifecycle, on one row. Each only touches the row in
 * the status it expects, so two workers, a late heartbeat or a reconciler never undo each other.
 */
function rowStatements(table: RowJobTable, id: string) {
  const t = rowJobTableSql(table);
  return {
    /** QUEUED → RUNNING; false when the row is not QUEUED (any more). */
    claim: async (progress: number, phase: string | null): Promise<boolean> => {
      const startedAt = new Date();
      const claimed = await db.$executeRaw`
        UPDATE ${t} SET "status" = 'RUNNING', "startedAt" = ${startedAt}, "heartbeatAt" = ${startedAt},
          "progress" = ${progress}, "phase" = ${phase}
        WHERE "id" = ${id} AND "status" = 'QUEUED'`;
      return claimed === 1;
    },
    /** Proves the worker alive and stores where it is; true once a cancel was requested. */
    beat: async (progress: number, phase: string | null): Promise<boolean> => {
      const rows = await db.$queryRaw<{ cancelRequestedAt: Date | null }[]>`
        UPDATE ${t} SET "heartbeatAt" = ${new Date()}, "progress" = ${progress}, "phase" = ${phase}
        WHERE "id" = ${id} AND "status" = 'RUNNING'
        RETURNING "cancelRequestedAt"`;
      return rows[0]?.cancelRequestedAt != null;
    },
    /** RUNNING → the final status; false when the row is not RUNNING any more (or is gone). */
    finish: async (end: RowJobEnd, progress: number | null): Promise<boolean> => {
      const finished = await db.$executeRaw`
        UPDATE ${t} SET "status" = CAST(${end.status} AS "RunStatus"), "error" = ${end.error}, "phase" = NULL,
          "finishedAt" = ${new Date()}, "progress" = COALESCE(${progress}::double precision, "progress")
        WHERE "id" = ${id} AND "status" = 'RUNNING'`;
      return finished === 1;
    },
  };
}

function endAfterReturn(signal: AbortSignal): RowJobEnd {
  return signal.aborted ? endAfterStop(signal) : { status: "SUCCEEDED", error: null };
}

function endAfterStop(signal: AbortSignal): RowJobEnd {
  const reason: unknown = signal.reason;
  if (reason instanceof RowJobStop) {
    return { status: reason.kind === "cancelled" ? "CANCELLED" : "FAILED", error: reason.message };
  }
  return { status: "FAILED", error: errorMessage(reason) };
}

/**
 * Calls `beat` every `intervalMs`, one at a time: a slow beat is not overtaken by the next, so
 * `stop()` has exactly one in-flight beat to wait for. While the database is away every beat
 * fails; that is logged once, and again when a beat gets through.
 */
function startHeartbeat(intervalMs: number, beat: () => Promise<void>, log: (message: string) => void) {
  let inFlight: Promise<void> | null = null;
  let failing = 0;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = beat()
      .then(
        () => {
          if (failing > 0) log(`heartbeat back after ${failing} failed beat(s)`);
          failing = 0;
        },
        (error: unknown) => {
          noteDatabaseFailure(error);
          if (failing === 0) log(`heartbeat failed: ${shortDatabaseError(error)}`);
          failing++;
        },
      )
      .finally(() => {
        inFlight = null;
      });
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
