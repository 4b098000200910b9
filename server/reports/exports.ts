import type { Comparison } from "~/core/compare";
import { runsBmf } from "~/core/exports/bmf";
import { comparisonCsv, comparisonJson } from "~/core/exports/comparison";
import { runFortioJson } from "~/core/exports/fortio";
import { runHlog } from "~/core/exports/hlog";
import { OPENMETRICS_CONTENT_TYPE, runsOpenMetrics } from "~/core/exports/openmetrics";
import { RUN_EXPORT_SCHEMA_PATH, runExportPath } from "~/core/exports/paths";
import type { RunExportInput } from "~/core/exports/run-input";
import { runExportJson } from "~/core/exports/run-json";
import { SMP_VERSION, smpDocument, smpEnvironmentOf } from "~/core/exports/smp";
import { toYaml } from "~/core/exports/yaml";
import { env } from "~/server/env";
import { findRunEnvironment, findRunExportRepetitions } from "~/server/runs/store";
import { ComparisonError, loadComparison } from "./comparison";
import { dateStamp, slugify } from "./http";

/**
 * The files the export routes hand out: which loader, which pure export, which content type and
 * file name. Comparison formats take 1-8 runs; single-run formats exactly one.
 */

export const COMPARISON_FORMATS = ["json", "csv", "bmf", "openmetrics"] as const;
export const SINGLE_RUN_FORMATS = ["run", "hlog", "fortio"] as const;
export const EXPORT_FORMATS = [...COMPARISON_FORMATS, ...SINGLE_RUN_FORMATS] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export interface ExportFile {
  body: string;
  contentType: string;
  filename: string;
}

const JSON_TYPE = "application/json; charset=utf-8";
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Absolute URL of a path of this app, as other tools will follow it (NEXTAUTH_URL is the public URL). */
export function appUrl(path: string): string {
  return new URL(path, new URL(env.NEXTAUTH_URL).origin).toString();
}

async function runExportInput(runId: string, format: (typeof SINGLE_RUN_FORMATS)[number]): Promise<RunExportInput> {
  const run = (await loadComparison([runId])).runs[0];
  if (!run) throw new ComparisonError("NOT_FOUND", `No run with id ${runId}.`);
  const [repetitions, environment] = await Promise.all([findRunExportRepetitions(runId), findRunEnvironment(runId)]);
  if (!repetitions)
    throw new ComparisonError(
      "NO_DATA",
      `“${run.name}” was imported with percentiles only: it has no histogram to export as ${format}. Its percentiles are in the comparison formats (json, csv, bmf, openmetrics).`,
    );
  if (format === "run" && (run.requestCount === null || run.errorCount === null))
    throw new ComparisonError(
      "NO_DATA",
      `“${run.name}” was imported from a file without request or error counts: the MeshBench run JSON needs both. Export it as hlog or fortio.`,
    );
  return { run, repetitions, environment };
}

function comparisonFile(format: (typeof COMPARISON_FORMATS)[number], comparison: Comparison, now: Date): ExportFile {
  const single = comparison.runs.length === 1 ? comparison.runs[0] : undefined;
  const stem = single ? slugify(single.name, "run") : `meshbench-comparison-${dateStamp(now)}`;
  switch (format) {
    case "csv":
      return { body: comparisonCsv(comparison), contentType: "text/csv; charset=utf-8", filename: `${stem}.csv` };
    case "json":
      return { body: json(comparisonJson(comparison, { generatedAt: now })), contentType: JSON_TYPE, filename: `${stem}.json` };
    case "bmf":
      return { body: json(runsBmf(comparison.runs)), contentType: JSON_TYPE, filename: `${stem}-bmf.json` };
    case "openmetrics":
      return { body: runsOpenMetrics(comparison.runs), contentType: OPENMETRICS_CONTENT_TYPE, filename: `${stem}.om.txt` };
  }
}

/** The export of `runIds` in `format`; throws ComparisonError for missing or unfinished runs. */
export async function buildExport(
  format: ExportFormat,
  runIds: readonly string[],
  baselineId: string | null,
  now: Date,
): Promise<ExportFile> {
  if (format === "json" || format === "csv" || format === "bmf" || format === "openmetrics") {
    return comparisonFile(format, await loadComparison(runIds, baselineId), now);
  }
  const [runId] = runIds;
  if (runIds.length !== 1 || runId === undefined)
    throw new ExportRequestError(`format=${format} exports one run: give one id in ?runs=.`);
  const input = await runExportInput(runId, format);
  const stem = slugify(input.run.name, "run");
  switch (format) {
    case "run":
      return {
        body: json(runExportJson(input, { exportedAt: now, schemaUrl: appUrl(RUN_EXPORT_SCHEMA_PATH) })),
        contentType: JSON_TYPE,
        filename: `${stem}-meshbench-run.json`,
      };
    case "hlog":
      return { body: runHlog(input), contentType: "text/plain; charset=utf-8", filename: `${stem}.hlog` };
    case "fortio":
      return { body: json(runFortioJson(input)), contentType: JSON_TYPE, filename: `${stem}-fortio.json` };
  }
}

/** A request the export cannot serve as asked (400). */
export class ExportRequestError extends Error {}

/** One run in SMP: proto3 JSON (lowerCamelCase) or the snake_case YAML Meshery writes. */
export async function buildSmpExport(runId: string, format: "json" | "yaml"): Promise<ExportFile> {
  const run = (await loadComparison([runId])).runs[0];
  if (!run) throw new ComparisonError("NOT_FOUND", `No run with id ${runId}.`);
  const options = {
    detailsUri: appUrl(runExportPath(run.id, "run")),
    environment: smpEnvironmentOf(run, await findRunEnvironment(run.id)),
  };
  const stem = `${slugify(run.name, "run")}-smp`;
  if (format === "json") {
    return { body: json(smpDocument(run, { ...options, naming: "json" })), contentType: JSON_TYPE, filename: `${stem}.json` };
  }
  const body = toYaml(
    smpDocument(run, { ...options, naming: "proto" }),
    `Service Mesh Performance (SMP) result of MeshBench run ${run.id}.\n` +
      `Messages and field names as in SMP ${SMP_VERSION}'s protos/service_mesh_performance.proto; fields MeshBench did not measure are left out.`,
  );
  return { body, contentType: "application/yaml; charset=utf-8", filename: `${stem}.yaml` };
}
