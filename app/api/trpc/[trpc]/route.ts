import { TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { appRouter } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { getSession } from "~/server/auth/session";
import { currentSessionUser } from "~/server/auth/session-validity";
import { env } from "~/server/env";
import { withEtag } from "~/server/http/etag";
import { guardedRoute } from "~/server/http/guarded-route";
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

/**
 * The session is read before the router is consulted: an anonymous caller gets 401 for every
 * procedure name, so which names exist cannot be learned without logging in.
 */
async function handleTrpc(req: Request): Promise<Response> {
  const session = await getSession();
  const res = await resolveResponse({
    router: appRouter,
    req,
    path: procedurePath(req),
    error: session ? null : new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." }),
    createContext: async () => createInnerContext(session, sessionStillValid(req)),
    onError({ path, error }) {
      // Procedures' failures are logged once, with their reference, by the error boundary.
      if (error.code === "INTERNAL_SERVER_ERROR" && !error.message.startsWith("Internal error (ref ")) {
        console.error(`tRPC ${path ?? "?"} failed:`, error);
      }
    },
  });
  return withEtag(req, res);
}

/**
 * The cookie's session checked again, for a stream that outlives this request: the claims are
 * read once, the check (revocation, user row, session version) runs on each call.
 */
function sessionStillValid(req: Request): () => Promise<boolean> {
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
