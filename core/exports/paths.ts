/**
 * Where the app serves each export and schema, so the links on the pages, the documents that point
 * at each other (SMP's details_uri, the run export's $schema) and the routes agree.
 */

/** Formats of one run served by the export route's `format=` (besides the comparison's json and csv). */
export const RUN_EXPORT_FORMATS = ["run", "hlog", "fortio", "bmf", "openmetrics"] as const;
export type RunExportFormat = (typeof RUN_EXPORT_FORMATS)[number];

export function runExportPath(runId: string, format: RunExportFormat): string {
  return `/api/reports/export?runs=${encodeURIComponent(runId)}&format=${format}`;
}

export function smpExportPath(runId: string, format: "json" | "yaml"): string {
  return `/api/reports/smp/${encodeURIComponent(runId)}?format=${format}`;
}

export const RUN_EXPORT_SCHEMA_PATH = "/api/schemas/run-export/v1.json";
