import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import { readerOfRequest } from "~/server/auth/request-caller";
import { ComparisonError } from "~/server/reports/comparison";
import { buildExport, EXPORT_FORMATS, ExportRequestError, isExportFormat } from "~/server/reports/exports";
import { fileHeaders, jsonError } from "~/server/reports/http";

export const dynamic = "force-dynamic";

/**
 * Runs of `?runs=a,b,…` (baseline `?baseline=`) as `?format=`: the comparison as json or csv,
 * Bencher's bmf or openmetrics (1-8 runs); one run as MeshBench's own run JSON, hlog or fortio JSON.
 */
export async function GET(req: Request): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in to export comparisons, or send an API token with the read scope.");
  if ("refusal" in reader) return reader.refusal;
  const url = new URL(req.url);
  const runIds = (url.searchParams.get("runs") ?? "").split(",").filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id));
  const format = url.searchParams.get("format") ?? "json";
  if (!isExportFormat(format)) return jsonError(400, `format must be one of ${EXPORT_FORMATS.join(", ")}.`);
  if (runIds.length < 1 || runIds.length > MAX_COMPARE_RUNS)
    return jsonError(400, `Give 1 to ${MAX_COMPARE_RUNS} run ids in ?runs=.`);
  try {
    const file = await buildExport(format, runIds, url.searchParams.get("baseline"), new Date());
    const bytes = Buffer.from(file.body, "utf8");
    return new Response(bytes, {
      headers: fileHeaders({ contentType: file.contentType, filename: file.filename, size: bytes.length }),
    });
  } catch (error) {
    if (error instanceof ExportRequestError) return jsonError(400, error.message);
    if (error instanceof ComparisonError) return jsonError(error.code === "NOT_FOUND" ? 404 : 409, error.message);
    throw error;
  }
}
