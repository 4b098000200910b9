import { readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PROBE_NAMES, type ProbeRunResult } from "~/core/probes";
import { type IterationResult, iterationResultSchema } from "~/core/result";
import { isGone, type ProcessIdentity, thisProcess } from "./this-process";
import { spoolDir, writeFileAtomic } from "./worker-state";

/** Everything one repetition of a run produced: what the database must end up holding, once. */
export interface RepetitionResults {
  runId: string;
  measured: IterationResult;
  probes: ProbeRunResult[];
}

export interface SpooledRepetition {
  file: string;
  entry: RepetitionResults;
}

/**
 * The spool: repetitions the database could not take when they were measured, one JSON file each
 * (`<runId>-<iteration>.json`), kept until they are stored. Each file names the worker process
 * that wrote it: while that process lives it stores the file itself, so only the files of
 * processes that are gone are listed for a replay, and no file is ever written by two at once.
 */
interface SpoolFile extends RepetitionResults {
  writer: ProcessIdentity;
}

const SAFE_RUN_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function spoolFileFor(runId: string, iteration: number): string {
  if (!SAFE_RUN_ID.test(runId)) throw new Error(`Unusable run id for a spool file name: ${JSON.stringify(runId)}`);
  return path.join(spoolDir(), `${runId}-${iteration}.json`);
}

/** Writes the repetition to disk (atomically), under this process's name. */
export async function spoolRepetition(entry: RepetitionResults): Promise<string> {
  const file = spoolFileFor(entry.runId, entry.measured.iteration);
  const content: SpoolFile = { ...entry, writer: await thisProcess() };
  await writeFileAtomic(file, JSON.stringify(content));
  return file;
}

/** The repetition is in the database: its file goes. */
export async function removeSpooled(file: string): Promise<void> {
  await rm(file, { force: true });
}

/**
 * The spooled repetitions whose writer is gone, by file name. A file that cannot be read back is
 * renamed `.unreadable` (kept for a human, never retried) and logged.
 */
export async function listOrphanedSpool(log: (message: string) => void): Promise<SpooledRepetition[]> {
  let names: string[];
  try {
    names = await readdir(spoolDir());
  } catch {
    return [];
  }
  const out: SpooledRepetition[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const file = path.join(spoolDir(), name);
    const text = await readFile(file, "utf8").catch(() => null);
    if (text === null) continue; // stored and removed meanwhile
    const spooled = parseSpoolFile(text);
    if (!spooled) {
      log(`spool: ${file} cannot be read back; renamed .unreadable and left for a human`);
      await rename(file, `${file}.unreadable`).catch(() => undefined);
      continue;
    }
    const { writer, ...entry } = spooled;
    if (await isGone(writer)) out.push({ file, entry });
  }
  return out;
}

/** The fields the store reads itself; the figures inside are stored as they were measured. */
const probeRunSchema = z.looseObject({
  probe: z.enum(PROBE_NAMES),
  host: z.string(),
  available: z.boolean(),
  startedAt: z.coerce.date(),
  finishedAt: z.coerce.date(),
});

const spoolFileSchema = z.object({
  runId: z.string().regex(SAFE_RUN_ID),
  measured: iterationResultSchema,
  probes: z.array(probeRunSchema),
  writer: z.object({ pid: z.number().int(), startTime: z.number() }),
});

function parseSpoolFile(text: string): SpoolFile | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = spoolFileSchema.safeParse(json);
  if (!parsed.success) return null;
  // This worker wrote the probe results from ProbeRunResult values; the JSON round trip only
  // turned their dates into strings, which the schema turned back.
  return { ...parsed.data, probes: parsed.data.probes as unknown as ProbeRunResult[] };
}
