import { AUDIT_ACTION_LABELS } from "~/core/audit-actions";
import { csvLine } from "~/core/csv";
import { auditFilterInput } from "~/server/audit-log/schemas";
import { auditEventsForExport } from "~/server/audit-log/service";
import { isActiveAdmin, readerOfRequest } from "~/server/auth/request-caller";
import { dateStamp, fileHeaders, jsonError } from "~/server/reports/http";

export const dynamic = "force-dynamic";

const COLUMNS = ["time", "user_email", "user_id", "action", "description", "target", "detail"];

/**
 * The audit log as CSV, admins only (a session, or an admin's token with the read scope), with the
 * page's filters: `?action=run.*&user=alice&from=2026-11-01T00:00:00Z&to=…`. Streamed, newest first.
 */
export async function GET(req: Request): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in as an admin to export the audit log.");
  if ("refusal" in reader) return reader.refusal;
  if (!(await isActiveAdmin(reader.caller.session.user.id))) return jsonError(403, "Only admins can export the audit log.");
  const params = new URL(req.url).searchParams;
  const filter = auditFilterInput.safeParse({
    action: params.get("action") || undefined,
    user: params.get("user") || undefined,
    from: params.get("from") || undefined,
    to: params.get("to") || undefined,
  });
  if (!filter.success) return jsonError(400, filter.error.issues[0]?.message ?? "Invalid filter.");

  const encoder = new TextEncoder();
  const batches = auditEventsForExport(filter.data);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // The byte-order mark makes spreadsheet programs read the file as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(COLUMNS)}`));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const text = next.value
        .map((e) =>
          csvLine([
            e.createdAt.toISOString(),
            e.user?.email ?? "",
            e.userId ?? "",
            e.action,
            AUDIT_ACTION_LABELS[e.action] ?? "",
            e.target ?? "",
            e.detail === null ? "" : JSON.stringify(e.detail),
          ]),
        )
        .join("");
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const headers = fileHeaders({
    contentType: "text/csv; charset=utf-8",
    filename: `meshbench-audit-${dateStamp(new Date())}.csv`,
    size: 0,
  });
  // Streamed: the length is not known up front.
  headers.delete("Content-Length");
  return new Response(body, { headers });
}
