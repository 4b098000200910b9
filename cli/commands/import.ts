import { readFile } from "node:fs/promises";
import path from "node:path";
import { HLOG_UNITS, type HlogUnit } from "../../core/imports/hlog";
import { IMPORT_FORMAT_LABELS, MAX_IMPORT_BYTES } from "../../core/imports/types";
import { BACKENDS, type BackendKind, MESH_PROFILES, type MeshProfile } from "../../core/meshes";
import { apiClient, type Connection, call } from "../api";
import { CliError, EXIT, type ExitCode } from "../exit-codes";
import { emit, webUrl } from "../output";

export const IMPORT_OUTPUT_FORMATS = ["text", "json"] as const;
export { BACKENDS as IMPORT_BACKENDS, HLOG_UNITS as IMPORT_HLOG_UNITS, MESH_PROFILES as IMPORT_MESHES };

export interface ImportOptions {
  file: string;
  name: string | undefined;
  mesh: MeshProfile | undefined;
  backend: BackendKind | undefined;
  hlogUnit: HlogUnit | undefined;
  format: (typeof IMPORT_OUTPUT_FORMATS)[number];
  output: string | undefined;
}

/**
 * `meshbench import <file>`: uploads another tool's result file (fortio -json, .hlog, SMP, k6
 * summary) as base64 through imports.create; the server detects the format and answers with the
 * run it created, or with why the file was refused (exit 2, nothing stored).
 */
export async function importCommand(connection: Connection, options: ImportOptions): Promise<ExitCode> {
  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    throw new CliError(EXIT.usage, `Cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (bytes.byteLength > MAX_IMPORT_BYTES)
    throw new CliError(
      EXIT.usage,
      `${options.file}: file too large: ${bytes.byteLength} bytes; the limit is ${MAX_IMPORT_BYTES} bytes (640 KiB)`,
    );
  const fileName = path.basename(options.file);
  const created = await call(`Importing ${fileName}`, () =>
    apiClient(connection).imports.create.mutate({
      fileName,
      content: bytes.toString("base64"),
      encoding: "base64",
      name: options.name,
      mesh: options.mesh,
      backend: options.backend,
      hlogUnit: options.hlogUnit,
    }),
  );
  const url = webUrl(connection.url, `runs/${encodeURIComponent(created.id)}`);
  if (options.format === "json") {
    await emit(`${JSON.stringify({ ...created, url }, null, 2)}\n`, options.output);
    return EXIT.ok;
  }
  const lines = [
    `Imported ${fileName} as ${IMPORT_FORMAT_LABELS[created.format]}${created.latencyData === "percentiles-only" ? " (percentiles only: no interval, no verdict)" : ""}`,
    `run ${created.id}: ${url}`,
    ...created.warnings.map((w) => `warning: ${w}`),
  ];
  await emit(`${lines.join("\n")}\n`, options.output);
  return EXIT.ok;
}
