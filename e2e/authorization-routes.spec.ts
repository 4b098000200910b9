import { readdirSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, expect, request as playwrightRequest, test } from "@playwright/test";
import type { ApiTokenScope } from "~/core/roles";
import { E2E_ADMIN, E2E_OPERATOR, E2E_VIEWER } from "./accounts";

/**
 * Every route under app/api × every kind of caller, against the real server: anonymous, a session
 * of each role, and an API token of each scope of each role. The route files are listed from disk,
 * so a new route without a line here fails this test.
 *
 * - "public": open to anyone (by design: health, sign-in, invite links, a JSON schema);
 * - "metrics": only METRICS_TOKEN opens it; no user credential does;
 * - "reader": any logged-in user, or a token with the read scope;
 * - "admin-reader": an admin's session, or an admin's token with the read scope.
 */
type Access = "public" | "metrics" | "reader" | "admin-reader";

const ROUTES: Record<string, { access: Access; method: "GET" | "POST"; url: string; body?: unknown }> = {
  "app/api/auth/[...nextauth]/route.ts": { access: "public", method: "GET", url: "/api/auth/providers" },
  "app/api/health/live/route.ts": { access: "public", method: "GET", url: "/api/health/live" },
  "app/api/health/ready/route.ts": { access: "public", method: "GET", url: "/api/health/ready" },
  "app/api/invite/route.ts": {
    access: "public",
    method: "POST",
    url: "/api/invite",
    body: { token: "x".repeat(43), password: "whatever-password" },
  },
  "app/api/schemas/run-export/v1.json/route.ts": { access: "public", method: "GET", url: "/api/schemas/run-export/v1.json" },
  "app/api/metrics/route.ts": { access: "metrics", method: "GET", url: "/api/metrics" },
  "app/api/trpc/[trpc]/route.ts": {
    access: "reader",
    method: "GET",
    url: `/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
  },
  "app/api/reports/[id]/route.ts": { access: "reader", method: "GET", url: "/api/reports/no-such-report" },
  "app/api/reports/export/route.ts": { access: "reader", method: "GET", url: "/api/reports/export?runs=no-such-run&format=json" },
  "app/api/reports/smp/[runId]/route.ts": { access: "reader", method: "GET", url: "/api/reports/smp/no-such-run" },
  "app/api/audit/export/route.ts": { access: "admin-reader", method: "GET", url: "/api/audit/export" },
};

function routeFiles(dir = "app/api"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

interface Caller {
  name: string;
  context: APIRequestContext;
  admin: boolean;
  loggedIn: boolean;
  scopes: ApiTokenScope[] | null;
}

function expectedAllowed(access: Access, caller: Caller): boolean {
  if (access === "public") return true;
  if (access === "metrics" || !caller.loggedIn) return false;
  if (caller.scopes && !caller.scopes.includes("read")) return false;
  return access === "reader" || caller.admin;
}

/** A session in a request context of its own: next-auth's credentials sign-in, as the login form posts it. */
async function sessionContext(baseURL: string, account: { email: string; password: string }): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  const { csrfToken } = (await (await context.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await context.post("/api/auth/callback/credentials", { form: { csrfToken, ...account, json: "true" } });
  expect(res.ok()).toBe(true);
  const me = (await (await context.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(me.user?.email).toBe(account.email);
  return context;
}

test("every route under app/api × anonymous, each role's session and each scope's token", async ({ baseURL }) => {
  const base = baseURL ?? "";
  expect(routeFiles().sort()).toEqual(Object.keys(ROUTES).sort());

  const callers: Caller[] = [
    {
      name: "anonymous",
      context: await playwrightRequest.newContext({ baseURL: base }),
      admin: false,
      loggedIn: false,
      scopes: null,
    },
  ];
  for (const [role, account] of [
    ["ADMIN", E2E_ADMIN],
    ["OPERATOR", E2E_OPERATOR],
    ["VIEWER", E2E_VIEWER],
  ] as const) {
    const session = await sessionContext(base, account);
    callers.push({ name: `${role} session`, context: session, admin: role === "ADMIN", loggedIn: true, scopes: null });
    for (const scopes of [["read"], ["run"]] as ApiTokenScope[][]) {
      const created = await session.post("/api/trpc/tokens.create", {
        data: { json: { name: `routes ${scopes}`, scopes, expiresInDays: 1 } },
      });
      expect(created.status()).toBe(200);
      const { result } = (await created.json()) as { result: { data: { json: { secret: string } } } };
      const context = await playwrightRequest.newContext({
        baseURL: base,
        extraHTTPHeaders: { authorization: `Bearer ${result.data.json.secret}` },
      });
      callers.push({ name: `${role} token [${scopes}]`, context, admin: role === "ADMIN", loggedIn: true, scopes });
    }
  }

  const mismatches: string[] = [];
  for (const [file, route] of Object.entries(ROUTES)) {
    for (const caller of callers) {
      const res =
        route.method === "GET" ? await caller.context.get(route.url) : await caller.context.post(route.url, { data: route.body });
      const status = res.status();
      const allowed = status !== 401 && status !== 403 && !(route.access === "metrics" && status === 404);
      if (allowed !== expectedAllowed(route.access, caller)) {
        mismatches.push(
          `${file} for ${caller.name}: ${status}, expected ${expectedAllowed(route.access, caller) ? "allowed" : "denied"}`,
        );
      }
      if (caller.scopes) expect(res.headers()["set-cookie"], `${file} set a cookie for a token`).toBeUndefined();
    }
  }
  expect(mismatches).toEqual([]);
  for (const caller of callers) await caller.context.dispose();
});
