import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import { comparisonCsv, comparisonJson } from "~/core/exports";
import { readerOfRequest } from "~/server/auth/request-caller";
import { ComparisonError, loadComparison } from "~/server/reports/comparison";
import { dateStamp, fileHeaders, jsonError } from "~/server/reports/http";

export const dynamic = "force-dynamic";

/** The comparison of `?runs=a,b,…` (baseline `?baseline=`), as `?format=csv` or `json`. */
export async function GET(req: Request): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in to export comparisons, or send an API token with the read scope.");
  if ("refusal" in reader) return reader.refusal;
  const url = new URL(req.url);
  const runIds = (url.searchParams.get("runs") ?? "").split(",").filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id));
  const format = url.searchParams.get("format") ?? "json";
  if (format !== "csv" && format !== "json") return jsonError(400, "format must be csv or json.");
  if (runIds.length < 1 || runIds.length > MAX_COMPARE_RUNS)
    return jsonError(400, `Give 1 to ${MAX_COMPARE_RUNS} run ids in ?runs=.`);
  try {
    const comparison = await loadComparison(runIds, url.searchParams.get("baseline"));
    const now = new Date();
    const body =
      format === "csv"
        ? comparisonCsv(comparison)
        : `${JSON.stringify(comparisonJson(comparison, { generatedAt: now }), null, 2)}\n`;
    const bytes = Buffer.from(body, "utf8");
    return new Response(bytes, {
      headers: fileHeaders({
        contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        filename: `meshbench-comparison-${dateStamp(now)}.${format}`,
        size: bytes.length,
      }),
    });
  } catch (error) {
    if (error instanceof ComparisonError) return jsonError(error.code === "NOT_FOUND" ? 404 : 409, error.message);
    throw error;
  }
}
