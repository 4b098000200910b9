/** Headers for files MeshBench hands out (reports, exports): always a download, never cached or sniffed. */

export function slugify(text: string, fallback = "report"): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || fallback;
}

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one. */
export function contentDisposition(filename: string, inline = false): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** An HTML report opened in the browser must not run anything or load anything. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

export function fileHeaders(options: { contentType: string; filename: string; size: number; inline?: boolean }): Headers {
  return new Headers({
    "Content-Type": options.contentType,
    "Content-Length": String(options.size),
    "Content-Disposition": contentDisposition(options.filename, options.inline),
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": REPORT_CSP,
  });
}

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "Cache-Control": "no-store" } });
}

export function dateStamp(d: Date): string {
  return d.toISOString().slice(0, 10);
}
