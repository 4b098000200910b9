import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: this file lives at worker/backends/local/. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where per-run runtime dirs live (`var/` is git-ignored). */
export const DEFAULT_RUN_ROOT = path.join(REPO_ROOT, "var", "run");

/** The echo server's entry file, started as its own Node process. */
export const ECHO_SERVER_FILE = fileURLToPath(new URL("./echo-server.ts", import.meta.url));

/** Run ids become directory names: accept only what cannot climb out of the run root. */
export function runDirFor(runRoot: string, runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(runId))
    throw new Error(`Unusable run id for a directory name: ${JSON.stringify(runId)}`);
  return path.join(runRoot, runId);
}
