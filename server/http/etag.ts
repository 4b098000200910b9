import { createHash } from "node:crypto";

/**
 * Conditional GETs for JSON reads the browser repeats (a run page polls every second): a strong
 * ETag over the exact body, `Cache-Control: private, no-cache` so the browser keeps the answer but
 * asks each time, and 304 without a body when the caller already holds it. A 304 saves sending
 * the body and the client's parsing and re-rendering of an unchanged answer.
 */

const REVALIDATE = "private, no-cache";

/** Strong tag of exactly these bytes: equal tags mean byte-identical bodies. */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url")}"`;
}

/** If-None-Match compares weakly (RFC 9110 13.1.2): a W/ prefix does not prevent a match. */
export function ifNoneMatchHolds(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}

/**
 * The response with its ETag and caching headers, or a 304 when the request's If-None-Match holds
 * it. Only successful GETs that end: an error is not worth keeping, and anything else changes state.
 */
export async function withEtag(req: Request, res: Response): Promise<Response> {
  if (req.method !== "GET" || res.status !== 200) return res;
  // A stream (a subscription's server-sent events) never ends: there is no body to tag.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) return res;
  const body = new Uint8Array(await res.arrayBuffer());
  const etag = strongEtag(body);
  const headers = new Headers(res.headers);
  headers.set("ETag", etag);
  headers.set("Cache-Control", REVALIDATE);
  if (ifNoneMatchHolds(req.headers.get("if-none-match"), etag)) {
    headers.delete("Content-Type");
    headers.delete("Content-Length");
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, statusText: res.statusText, headers });
}
