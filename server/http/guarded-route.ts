import { env } from "~/server/env";
import { declaredBodyTooLarge, payloadTooLarge, readBodyWithinLimit } from "./body-limit";
import { crossSiteRefusal, isCrossSiteRequest } from "./same-origin";

const APP_ORIGIN = new URL(env.NEXTAUTH_URL).origin;

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/**
 * Wraps a route handler with the edge's refusals: 403 for a state-changing request from another
 * site, 413 for a body over the limit (declared, or counted while it streams in). proxy.ts refuses
 * the same things first; this keeps the handler safe should the proxy's matcher ever skip it.
 * The handler gets a copy of the request whose body is the bytes already read.
 */
export function guardedRoute<R extends Request, C>(
  handler: (req: R, context: C) => Promise<Response>,
  withBody: (req: R, body: Uint8Array<ArrayBuffer>) => R,
): (req: R, context: C) => Promise<Response> {
  return async (req, context) => {
    if (isCrossSiteRequest(req.method, req.headers, APP_ORIGIN)) return crossSiteRefusal();
    if (BODYLESS_METHODS.has(req.method.toUpperCase())) return handler(req, context);
    if (declaredBodyTooLarge(req.headers)) return payloadTooLarge();
    const body = await readBodyWithinLimit(req.body);
    if (!body) return payloadTooLarge();
    return handler(withBody(req, body), context);
  };
}
