import { type Connection, download } from "../api";
import { EXIT, type ExitCode } from "../exit-codes";
import { emit } from "../output";

/**
 * What `meshbench export` can write, and the download route behind each: SMP from its own route,
 * everything else from the export route (README "Formats"; the server checks the name again).
 */
const exportRoute = (format: string) => (id: string) => `api/reports/export?runs=${encodeURIComponent(id)}&format=${format}`;
export const EXPORT_FORMATS = {
  "smp-yaml": (id: string) => `api/reports/smp/${encodeURIComponent(id)}?format=yaml`,
  "smp-json": (id: string) => `api/reports/smp/${encodeURIComponent(id)}?format=json`,
  run: exportRoute("run"),
  hlog: exportRoute("hlog"),
  fortio: exportRoute("fortio"),
  bmf: exportRoute("bmf"),
  openmetrics: exportRoute("openmetrics"),
  json: exportRoute("json"),
  csv: exportRoute("csv"),
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** `meshbench export <id> --format …`: one run in any of the server's export formats. */
export async function exportCommand(
  connection: Connection,
  options: { runId: string; format: ExportFormat; output: string | undefined },
): Promise<ExitCode> {
  const bytes = await download(connection, EXPORT_FORMATS[options.format](options.runId), `Exporting run ${options.runId}`);
  await emit(bytes, options.output);
  return EXIT.ok;
}
