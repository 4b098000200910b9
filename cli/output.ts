import { writeFile } from "node:fs/promises";
import { CliError, EXIT } from "./exit-codes";

/** Where a command's result goes: a file (--output) or stdout. */
export async function emit(content: string | Uint8Array, outputFile: string | undefined): Promise<void> {
  if (!outputFile) {
    process.stdout.write(content);
    return;
  }
  try {
    await writeFile(outputFile, content);
  } catch (error) {
    throw new CliError(EXIT.usage, `Cannot write ${outputFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function webUrl(base: URL, path: string): string {
  return new URL(path.replace(/^\//, ""), base.href.endsWith("/") ? base : `${base.href}/`).href;
}

export function compareUrl(base: URL, runIds: readonly string[], baselineId: string): string {
  return webUrl(base, `compare?runs=${runIds.map(encodeURIComponent).join(",")}&baseline=${encodeURIComponent(baselineId)}`);
}
