import { readerOfRequest } from "~/server/auth/request-caller";
import { db } from "~/server/db/client";
import { dateStamp, fileHeaders, jsonError, slugify } from "~/server/reports/http";

export const dynamic = "force-dynamic";

const CONTENT_TYPES = { HTML: "text/html; charset=utf-8", PDF: "application/pdf" } as const;

/** Download of a stored report: any logged-in user; `?disposition=inline` opens it in the browser instead. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const reader = await readerOfRequest(req, "Log in to download reports, or send an API token with the read scope.");
  if ("refusal" in reader) return reader.refusal;
  const { id } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return jsonError(404, "No such report.");
  const report = await db.report.findUnique({
    where: { id },
    select: { format: true, title: true, status: true, bytes: true, createdAt: true },
  });
  if (!report) return jsonError(404, "No such report.");
  if (report.status !== "SUCCEEDED" || !report.bytes) {
    return jsonError(409, `The report is not ready (${report.status.toLowerCase()}).`);
  }
  const body = Buffer.from(report.bytes);
  const filename = `${slugify(report.title)}-${dateStamp(report.createdAt)}.${report.format === "PDF" ? "pdf" : "html"}`;
  const inline = new URL(req.url).searchParams.get("disposition") === "inline";
  return new Response(body, {
    headers: fileHeaders({ contentType: CONTENT_TYPES[report.format], filename, size: body.length, inline }),
  });
}
