import { TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { appRouter } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { getSession } from "~/server/auth/session";
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
    createContext: async () => createInnerContext(session),
    onError({ path, error }) {
      // Procedures' failures are logged once, with their reference, by the error boundary.
      if (error.code === "INTERNAL_SERVER_ERROR" && !error.message.startsWith("Internal error (ref ")) {
        appLog.error(`tRPC ${path ?? "?"} failed`, { err: error });
      }
    },
  });
  return withEtag(req, res);
}

const handler = guardedRoute(
  (req: Request) => observed(procedurePath(req).split(","), PROCEDURES, () => handleTrpc(req)),
  (req, body) => new Request(req, { body }),
);

export { handler as GET, handler as POST };
