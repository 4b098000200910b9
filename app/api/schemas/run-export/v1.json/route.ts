import { RUN_EXPORT_SCHEMA_PATH } from "~/core/exports/paths";
import { runExportJsonSchema } from "~/core/exports/run-json";
import { appUrl } from "~/server/reports/exports";

/**
 * The JSON Schema of MeshBench's run export, v1, at a stable URL: public (a schema holds no data),
 * so validators and editors can fetch it without a session.
 */
export function GET(): Response {
  return Response.json(runExportJsonSchema(appUrl(RUN_EXPORT_SCHEMA_PATH)), {
    headers: { "Content-Type": "application/schema+json", "Cache-Control": "public, max-age=3600" },
  });
}
