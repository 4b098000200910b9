import { TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { appRouter } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { ApiTokenRefused, authenticateApiToken, bearerTokenOf } from "~/server/auth/api-token";
import { clientAddress } from "~/server/auth/client-address";
import { callerOfRequest, refusalHeaders } from "~/server/auth/request-caller";
import { currentSessionUser } from "~/server/auth/session-validity";
import { env } from "~/server/env";
import { withEtag } from "~/server/http/etag";
import { guardedRoute } from "~/server/http/guarded-route";
import { appLog } from "~/server/log";
import { observed } from "~/server/metrics/registry";

const ENDPOINT = "/api/trpc/";
const PROCEDURES: ReadonlySet<string> = new Set(Object.keys(appRouter._def.procedures));

/** The request's procedure path ("runs.list" or, batched, "runs.list,runs.get"), decoded. */
function procedurePath(req: Request): string {
  const raw = new URL(req.url).pathname.slice(ENDPOINT.length).replace(/\/+$/, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const UNAUTHORIZED_MESSAGE = "Log in first, or send an API token (Authorization: Bearer mb_…).";

/**
 * The caller (session cookie, or API token) is known before the router is consulted: an anonymous
 * caller, or one whose token is refused, gets 401 (429 when rate-limited) for every procedure
 * name, so which names exist cannot be learned without credentials.
 */
async function handleTrpc(req: Request): Promise<Response> {
  const outcome = await callerOfRequest(req);
  const refusal =
    outcome.kind === "anonymous"
      ? new TRPCError({ code: "UNAUTHORIZED", message: UNAUTHORIZED_MESSAGE })
      : outcome.kind === "refused"
        ? new TRPCError({
            code: outcome.refusal.status === 429 ? "TOO_MANY_REQUESTS" : "UNAUTHORIZED",
            message: outcome.refusal.message,
          })
        : null;
  const caller = outcome.kind === "caller" ? outcome.caller : null;
  const res = await resolveResponse({
    router: appRouter,
    req,
    path: procedurePath(req),
    error: refusal,
    createContext: async () =>
      createInnerContext(caller?.session ?? null, {
        apiToken: caller?.apiToken ?? null,
        clientAddress: clientAddress(req.headers),
        callerStillValid: callerStillValid(req),
      }),
    onError({ path, error }) {
      // Procedures' failures are logged once, with their reference, by the error boundary.
      if (error.code === "INTERNAL_SERVER_ERROR" && !error.message.startsWith("Internal error (ref ")) {
        appLog.error(`tRPC ${path ?? "?"} failed`, { err: error });
      }
    },
  });
  if (outcome.kind === "refused") {
    for (const [name, value] of Object.entries(refusalHeaders(outcome.refusal))) res.headers.set(name, value);
  }
  return withEtag(req, res);
}

/**
 * The caller checked again, for a stream that outlives this request: an API token must still be
 * unrevoked and unexpired; a cookie's session must still stand (revocation, user row, session
 * version), its claims read once. A rate limit or an outage does not end a stream.
 */
function callerStillValid(req: Request): () => Promise<boolean> {
  const bearer = bearerTokenOf(req.headers);
  if (bearer !== null) {
    return () =>
      authenticateApiToken(bearer, clientAddress(req.headers)).then(
        () => true,
        (error: unknown) => !(error instanceof ApiTokenRefused) || error.status === 429,
      );
  }
  // Read on first use: only streams ever ask.
  let claims: ReturnType<typeof getToken> | undefined;
  return async () => {
    claims ??= getToken({ req: new NextRequest(req), secret: env.NEXTAUTH_SECRET });
    const token = await claims;
    return typeof token === "object" && token !== null && (await currentSessionUser(token)) !== null;
  };
}

const handler = guardedRoute(
  (req: Request) => observed(procedurePath(req).split(","), PROCEDURES, () => handleTrpc(req)),
  (req, body) => new Request(req, { body }),
);

export { handler as GET, handler as POST };
