/** Methods that only read: everything else changes state and must come from the app's own pages. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameHost(origin: URL, host: string | null): boolean {
  if (!host) return false;
  try {
    // Parsed with the origin's scheme so default ports compare equal (":443" on https is no port).
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}

function isOwnOrigin(origin: string, appOrigin: string, host: string | null): boolean {
  if (origin === appOrigin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, some redirects) and anything malformed
  }
  return (parsed.protocol === "http:" || parsed.protocol === "https:") && sameHost(parsed, host);
}

/**
 * Whether a state-changing request was sent by another site's page: the browser's Origin is not
 * the app's (NEXTAUTH_URL's origin, or the Host the request was addressed to), or, when a browser
 * sent no Origin, Sec-Fetch-Site says the request crossed sites. Requests without either header
 * come from programs, not from a page a user was lured to, and cannot carry a victim's cookies
 * against their will.
 *
 * That is why a program with an API token (`Authorization: Bearer mb_…`, e.g. the meshbench CLI in
 * CI: no Origin, no cookie) passes here: its credential is not ambient. A browser never attaches
 * that header by itself, so another site's page cannot make a victim's browser send it; a page
 * that holds a token and sets the header itself sends its own Origin (refused above) and needs a
 * CORS preflight for Authorization, which MeshBench never grants.
 */
export function isCrossSiteRequest(method: string, headers: Headers, appOrigin: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const origin = headers.get("origin");
  if (origin !== null) return !isOwnOrigin(origin, appOrigin, headers.get("host"));
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

export function crossSiteRefusal(): Response {
  return Response.json(
    { error: "Cross-site request refused: state-changing requests must come from MeshBench's own pages." },
    { status: 403, headers: { "Cache-Control": "no-store" } },
  );
}
