import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { getSession } from "~/server/auth/session";
import { observed } from "~/server/metrics/registry";

const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

/** Metric label for the called procedure(s); anything unknown collapses to one label value. */
function routeLabel(req: Request): string {
  const path = new URL(req.url).pathname.replace(/^\/api\/trpc\//, "");
  return path.split(",").every((p) => PROCEDURES.has(p)) ? path : "unknown";
}

const handler = (req: Request) =>
  observed(routeLabel(req), () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: async () => createInnerContext(await getSession()),
      onError({ path, error }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
      },
    }),
  );

export { handler as GET, handler as POST };
