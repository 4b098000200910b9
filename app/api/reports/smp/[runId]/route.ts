import { smpDocument, toYaml } from "~/core/exports";
import { readerOfRequest } from "~/server/auth/request-caller";
import { ComparisonError, loadComparison } from "~/server/reports/comparison";
import { fileHeaders, jsonError, slugify } from "~/server/reports/http";

export const dynamic = "force-dynamic";

/** One run in the Service Mesh Performance format, `?format=yaml` (default) or `json`. */
export async function GET(req: Request, { params }: { params: Promise<{ runId: string }> }): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in to export runs, or send an API token with the read scope.");
  if ("refusal" in reader) return reader.refusal;
  const { runId } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) return jsonError(404, "No such run.");
  const format = new URL(req.url).searchParams.get("format") ?? "yaml";
  if (format !== "yaml" && format !== "json") return jsonError(400, "format must be yaml or json.");
  try {
    const run = (await loadComparison([runId])).runs[0];
    if (!run) return jsonError(404, "No such run.");
    const doc = smpDocument(run);
    const body =
      format === "json"
        ? `${JSON.stringify(doc, null, 2)}\n`
        : toYaml(
            doc,
            `Service Mesh Performance (SMP) result of MeshBench run ${run.id}.\n` +
              "Messages and field names as in SMP's protos/service_mesh_performance.proto; fields MeshBench did not measure are left out.",
          );
    const bytes = Buffer.from(body, "utf8");
    return new Response(bytes, {
      headers: fileHeaders({
        contentType: format === "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
        filename: `${slugify(run.name, "run")}-smp.${format}`,
        size: bytes.length,
      }),
    });
  } catch (error) {
    if (error instanceof ComparisonError) return jsonError(error.code === "NOT_FOUND" ? 404 : 409, error.message);
    throw error;
  }
}
