import { type Connection, download } from "../api";
import { EXIT, type ExitCode } from "../exit-codes";
import { emit } from "../output";

/** What `meshbench export` can write, and the download route behind each. */
export const EXPORT_FORMATS = {
  "smp-yaml": (id: string) => `api/reports/smp/${encodeURIComponent(id)}?format=yaml`,
  "smp-json": (id: string) => `api/reports/smp/${encodeURIComponent(id)}?format=json`,
  json: (id: string) => `api/reports/export?runs=${encodeURIComponent(id)}&format=json`,
  csv: (id: string) => `api/reports/export?runs=${encodeURIComponent(id)}&format=csv`,
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** `meshbench export <id> --format …`: a run as Service Mesh Performance YAML/JSON, or MeshBench's JSON/CSV. */
export async function exportCommand(
  connection: Connection,
  options: { runId: string; format: ExportFormat; output: string | undefined },
): Promise<ExitCode> {
  const bytes = await download(connection, EXPORT_FORMATS[options.format](options.runId), `Exporting run ${options.runId}`);
  await emit(bytes, options.output);
  return EXIT.ok;
}
