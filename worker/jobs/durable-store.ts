import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import { db } from "~/server/db/client";
import { classifyDatabaseError, isDatabaseUnreachable, shortDatabaseError } from "~/server/db/errors";
import { runSummary, storeIterationResult, storeProbeResult } from "~/server/runs/store";
import { noteDatabaseFailure } from "./database-outage";
import { retryWhileDatabaseUnreachable } from "./database-retry";
import { type RepetitionResults, removeSpooled, spoolRepetition } from "./result-spool";

/**
 * Stores one repetition so that doing it again changes nothing: a write retried after its answer
 * was lost, or replayed from the spool, finds the RunResult already there (one per run and
 * repetition, a unique key) and the probe results too (one per probe and host of a repetition).
 */
export async function storeRepetition({ runId, measured, probes }: RepetitionResults): Promise<void> {
  try {
    await storeIterationResult(runId, measured);
  } catch (error) {
    if (classifyDatabaseError(error) !== "duplicate") throw error;
  }
  for (const probe of probes) {
    const stored = await db.probeResult.count({
      where: { runId, iteration: measured.iteration, probe: probe.probe, node: probe.host },
    });
    if (stored === 0) await storeProbeResult({ runId, iteration: measured.iteration }, probe);
  }
}

/** The run's list figures, from the repetitions stored so far (whatever its status). */
export async function writeRunSummary(runId: string): Promise<void> {
  await db.benchmarkRun.updateMany({ where: { id: runId }, data: await runSummary(runId) });
}

export interface DurableRunResultsOptions {
  log: (message: string) => void;
  /** Aborted when the worker shuts down: stop retrying, the spool keeps what is not stored. */
  shutdownSignal?: AbortSignal;
  /** Called when a repetition could not be stored at once and is retried from the spool. */
  onDatabaseUnavailable?: () => void;
}

/** A repetition that could not be stored for a reason other than the database being away. */
export interface StoreFailure {
  iteration: number;
  error: unknown;
}

/**
 * A run's result writer that loses nothing while the database is away. Each repetition is stored
 * at once when it can be; when the database is unreachable it goes to the spool on disk first
 * (so a crash cannot lose it), and is stored in the background, with backoff, as soon as the
 * database is back, while the run carries on. `drain()` waits for those writes before the run
 * ends. What is still spooled when the worker stops or dies is stored by the next replay.
 */
export class DurableRunResults {
  private readonly pending: Promise<StoreFailure | null>[] = [];
  private unsettled = 0;

  constructor(
    private readonly runId: string,
    private readonly options: DurableRunResultsOptions,
  ) {}

  /** Stored, or safely on disk and being retried; throws only when neither was possible. */
  async add(measured: IterationResult, probes: ProbeRunResult[]): Promise<void> {
    const entry: RepetitionResults = { runId: this.runId, measured, probes };
    try {
      await storeRepetition(entry);
      return;
    } catch (error) {
      noteDatabaseFailure(error);
      if (!isDatabaseUnreachable(error)) throw error;
      this.options.log(`storing repetition ${measured.iteration}: database unreachable (${shortDatabaseError(error)})`);
    }
    const file = await spoolRepetition(entry);
    this.options.log(`repetition ${measured.iteration} kept in ${file} until the database is back`);
    this.options.onDatabaseUnavailable?.();
    this.unsettled++;
    // Settled into a value at once: a rejection waiting for drain() would count as unhandled.
    this.pending.push(
      this.storeLater(entry, file)
        .then(
          () => null,
          (error: unknown) => ({ iteration: measured.iteration, error }),
        )
        .finally(() => {
          this.unsettled--;
        }),
    );
  }

  /** True while some repetition waits for the database. */
  get waiting(): boolean {
    return this.unsettled > 0;
  }

  /**
   * Waits until every spooled repetition is stored, or the worker shuts down (they stay spooled
   * for the next worker). Returns the repetitions that failed for another reason than the outage.
   */
  async drain(): Promise<StoreFailure[]> {
    const settled = await Promise.all(this.pending.splice(0));
    return settled.filter((f): f is StoreFailure => f !== null && !isDatabaseUnreachable(f.error));
  }

  private async storeLater(entry: RepetitionResults, file: string): Promise<void> {
    const { log } = this.options;
    try {
      await retryWhileDatabaseUnreachable(() => storeRepetition(entry), { stop: this.options.shutdownSignal });
      await removeSpooled(file);
      log(`repetition ${entry.measured.iteration} stored now that the database is back`);
    } catch (error) {
      if (isDatabaseUnreachable(error)) log(`repetition ${entry.measured.iteration} stays in ${file} for the next worker`);
      else log(`repetition ${entry.measured.iteration} could not be stored: ${shortDatabaseError(error)} (kept in ${file})`);
      throw error;
    }
  }
}
