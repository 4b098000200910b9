import { type NextRequest, NextResponse } from "next/server";
import { env } from "~/server/env";
import { declaredBodyTooLarge, payloadTooLarge } from "~/server/http/body-limit";
import { crossSiteRefusal, isCrossSiteRequest } from "~/server/http/same-origin";
import { newNonce, pageContentSecurityPolicy, STRICT_TRANSPORT_SECURITY } from "~/server/http/security-headers";

const APP_ORIGIN = new URL(env.NEXTAUTH_URL).origin;
const DEVELOPMENT = env.NODE_ENV === "development";

/**
 * The web edge, before any route or page runs: refuses cross-site state changes (403) and bodies
 * that declare more than the limit (413; chunked bodies are counted by the route handlers), and
 * gives every page a Content-Security-Policy with a fresh nonce, which Next.js reads from the
 * request's own CSP header and puts on the scripts it renders.
 */
export function proxy(request: NextRequest): NextResponse | Response {
  if (isCrossSiteRequest(request.method, request.headers, APP_ORIGIN)) return crossSiteRefusal();
  if (declaredBodyTooLarge(request.headers)) return payloadTooLarge();

  const https = request.nextUrl.protocol === "https:" || APP_ORIGIN.startsWith("https:");
  let response: NextResponse;
  if (request.nextUrl.pathname.startsWith("/api/")) {
    response = NextResponse.next();
  } else {
    const policy = pageContentSecurityPolicy(newNonce(), { development: DEVELOPMENT, https });
    // Overwritten, never merged: a policy (and nonce) sent by the client must not reach the renderer.
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("content-security-policy", policy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
    response.headers.set("Content-Security-Policy", policy);
  }
  if (https) response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // Build output under /_next/static and the favicon are files: no state, no nonce to hand out.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
