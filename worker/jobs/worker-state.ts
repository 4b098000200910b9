import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { env } from "~/server/env";
import { REPO_ROOT } from "../backends/local/paths";

/**
 * Where the worker keeps what must outlive its process (`var/` is git-ignored). Spooled results
 * and held rows are kept per deployment (queue prefix): a test suite's worker and a running
 * MeshBench share this directory but not their databases, and must never settle each other's rows.
 */
const VAR_DIR = path.join(REPO_ROOT, "var");

/** Repetitions measured but not yet stored: `<runId>-<iteration>.json`. */
export const spoolDir = (): string => path.join(VAR_DIR, "spool", env.QUEUE_PREFIX);

/** The rows this machine's workers are running: `<table>-<id>.json`, naming the worker process. */
export const heldRowsDir = (): string => path.join(VAR_DIR, "worker", "held", env.QUEUE_PREFIX);

/** How worker processes died, by pid, as `npm start`'s supervisor (scripts/lib.sh) writes it. */
export const workerExitsDir = (): string => path.join(VAR_DIR, "worker", "exits");

/**
 * Writes a file so that a reader (the next worker, after a crash) sees either the old content or
 * the whole new one: a temporary file, flushed to disk, renamed over the target.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
