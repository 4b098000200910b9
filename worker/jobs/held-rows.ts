import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { FinalStatus, RowJobTable } from "./row-job";
import { type ProcessIdentity, thisProcess } from "./this-process";
import { heldRowsDir, writeFileAtomic } from "./worker-state";

/**
 * The rows this machine's worker processes are running, one file each, naming the process (pid
 * and start time, which survive pid reuse). A worker that dies leaves its files behind; the next
 * worker on the machine finds them at start-up and settles those rows at once, instead of waiting
 * for the reconciler to notice a stale heartbeat.
 */
export interface HeldRow {
  table: RowJobTable;
  id: string;
  owner: ProcessIdentity;
  /** The end the worker decided but could not write (the database was away as it stopped). */
  pendingEnd?: { status: FinalStatus; error: string | null; progress: number };
}

const heldRowSchema = z.object({
  table: z.enum(["BenchmarkRun", "ProbeJob", "Report"]),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  owner: z.object({ pid: z.number().int(), startTime: z.number() }),
  pendingEnd: z
    .object({
      status: z.enum(["SUCCEEDED", "FAILED", "CANCELLED"]),
      error: z.string().nullable(),
      progress: z.number(),
    })
    .optional(),
}) satisfies z.ZodType<HeldRow, unknown>;

function fileOf(table: RowJobTable, id: string): string {
  if (!heldRowSchema.shape.id.safeParse(id).success) throw new Error(`Unusable row id for a file name: ${JSON.stringify(id)}`);
  return path.join(heldRowsDir(), `${table}-${id}.json`);
}

/** This process now runs the row. */
export async function recordHeldRow(table: RowJobTable, id: string): Promise<void> {
  const row: HeldRow = { table, id, owner: await thisProcess() };
  await writeFileAtomic(fileOf(table, id), JSON.stringify(row));
}

/** The row's end, for the next worker to write: this one stops while the database is away. */
export async function recordPendingEnd(table: RowJobTable, id: string, pendingEnd: NonNullable<HeldRow["pendingEnd"]>) {
  const row: HeldRow = { table, id, owner: await thisProcess(), pendingEnd };
  await writeFileAtomic(fileOf(table, id), JSON.stringify(row));
}

/** The row is settled in the database: nobody needs to know who held it. */
export async function releaseHeldRow(table: RowJobTable, id: string): Promise<void> {
  await rm(fileOf(table, id), { force: true });
}

/** Every held row on record; unreadable files (never written whole) are skipped. */
export async function listHeldRows(): Promise<HeldRow[]> {
  let names: string[];
  try {
    names = await readdir(heldRowsDir());
  } catch {
    return [];
  }
  const rows: HeldRow[] = [];
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    try {
      const parsed = heldRowSchema.safeParse(JSON.parse(await readFile(path.join(heldRowsDir(), name), "utf8")));
      if (parsed.success) rows.push(parsed.data);
    } catch {
      // Released meanwhile, or not JSON: nothing to settle from it.
    }
  }
  return rows;
}
