import { readerOfRequest } from "~/server/auth/request-caller";
import { ComparisonError } from "~/server/reports/comparison";
import { buildSmpExport } from "~/server/reports/exports";
import { fileHeaders, jsonError } from "~/server/reports/http";

export const dynamic = "force-dynamic";

/**
 * One run in the Service Mesh Performance format: `?format=yaml` (default; the proto's snake_case
 * field names, as Meshery writes) or `json` (proto3 JSON, lowerCamelCase).
 */
export async function GET(req: Request, { params }: { params: Promise<{ runId: string }> }): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in to export runs, or send an API token with the read scope.");
  if ("refusal" in reader) return reader.refusal;
  const { runId } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) return jsonError(404, "No such run.");
  const format = new URL(req.url).searchParams.get("format") ?? "yaml";
  if (format !== "yaml" && format !== "json") return jsonError(400, "format must be yaml or json.");
  try {
    const file = await buildSmpExport(runId, format);
    const bytes = Buffer.from(file.body, "utf8");
    return new Response(bytes, {
      headers: fileHeaders({ contentType: file.contentType, filename: file.filename, size: bytes.length }),
    });
  } catch (error) {
    if (error instanceof ComparisonError) return jsonError(error.code === "NOT_FOUND" ? 404 : 409, error.message);
    throw error;
  }
}
