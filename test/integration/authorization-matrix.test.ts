import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiTokenScope, Role } from "~/core/roles";
import { appRouter, createCaller } from "~/server/api/root";
import { createInnerContext, type TRPCContext } from "~/server/api/trpc";
import { callerOfRequest } from "~/server/auth/request-caller";
import { env } from "~/server/env";
import { createApiToken } from "~/server/tokens/service";
import { createUser, sessionFor } from "./helpers";

/**
 * Who may call every tRPC procedure. The router's procedures are enumerated, so a procedure added
 * without a line here fails this test instead of shipping with whatever access it happened to get.
 * - role: the least role that may call it (viewer < operator < admin); anonymous callers never may;
 * - token: what an API token needs for it: "read" (queries), "run" (the operator's mutations), or
 *   "never" (account, token and user management: a logged-in browser only).
 */
const EXPECTED: Record<string, { role: Role; token: ApiTokenScope | "never" }> = {
  "runs.list": { role: "VIEWER", token: "read" },
  "runs.get": { role: "VIEWER", token: "read" },
  "runs.meshes": { role: "VIEWER", token: "read" },
  "runs.create": { role: "OPERATOR", token: "run" },
  "runs.cancel": { role: "OPERATOR", token: "run" },
  "metrics.run": { role: "VIEWER", token: "read" },
  "compare.runs": { role: "VIEWER", token: "read" },
  "compare.candidates": { role: "VIEWER", token: "read" },
  "compare.regressions": { role: "VIEWER", token: "read" },
  "compare.runStatus": { role: "VIEWER", token: "read" },
  "compare.gates": { role: "VIEWER", token: "read" },
  "compare.setBaseline": { role: "OPERATOR", token: "run" },
  "reports.list": { role: "VIEWER", token: "read" },
  "reports.generate": { role: "OPERATOR", token: "run" },
  "reports.delete": { role: "ADMIN", token: "never" },
  "probes.forRun": { role: "VIEWER", token: "read" },
  "probes.overhead": { role: "VIEWER", token: "read" },
  "probes.listJobs": { role: "VIEWER", token: "read" },
  "probes.getJob": { role: "VIEWER", token: "read" },
  "probes.createJob": { role: "OPERATOR", token: "run" },
  "probes.cancelJob": { role: "OPERATOR", token: "run" },
  "cluster.status": { role: "VIEWER", token: "read" },
  "cluster.manifests": { role: "VIEWER", token: "read" },
  "account.signOutEverywhere": { role: "VIEWER", token: "never" },
  "account.changePassword": { role: "VIEWER", token: "never" },
  "tokens.list": { role: "VIEWER", token: "read" },
  "tokens.create": { role: "VIEWER", token: "never" },
  "tokens.revoke": { role: "VIEWER", token: "never" },
  "tokens.listAll": { role: "ADMIN", token: "read" },
  "tokens.revokeAny": { role: "ADMIN", token: "never" },
  "users.list": { role: "ADMIN", token: "read" },
  "users.create": { role: "ADMIN", token: "never" },
  "users.setRole": { role: "ADMIN", token: "never" },
  "users.setDisabled": { role: "ADMIN", token: "never" },
  "users.resetCredentials": { role: "ADMIN", token: "never" },
  "users.delete": { role: "ADMIN", token: "never" },
  "audit.list": { role: "ADMIN", token: "read" },
  "live.events": { role: "VIEWER", token: "read" },
  "imports.create": { role: "OPERATOR", token: "run" },
};

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };
const ROLES_UNDER_TEST: Role[] = ["ADMIN", "OPERATOR", "VIEWER"];
const SCOPE_SETS: ApiTokenScope[][] = [["read"], ["run"]];

interface Caller {
  name: string;
  context: TRPCContext;
  role: Role | null;
  scopes: ApiTokenScope[] | null;
}

function expectedAllowed(path: string, caller: Caller): boolean {
  const rule = EXPECTED[path];
  if (!rule || caller.role === null) return false;
  if (RANK[caller.role] < RANK[rule.role]) return false;
  return caller.scopes === null || (rule.token !== "never" && caller.scopes.includes(rule.token));
}

type Procedure = (input: unknown) => Promise<unknown>;

function procedureOf(caller: ReturnType<typeof createCaller>, path: string): Procedure {
  const [area = "", name = ""] = path.split(".");
  return (caller as unknown as Record<string, Record<string, Procedure>>)[area]?.[name] as Procedure;
}

/**
 * Denied means UNAUTHORIZED or FORBIDDEN, which the procedures' role and scope checks answer
 * before the input is validated. Anything else (a result, BAD_REQUEST for the empty input,
 * NOT_FOUND) means the caller got past them.
 */
async function outcome(procedure: Procedure): Promise<"allowed" | "denied"> {
  try {
    await procedure({});
    return "allowed";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN" ? "denied" : "allowed";
  }
}

describe("authorization: every tRPC procedure × every kind of caller", () => {
  const callers: Caller[] = [];
  beforeAll(async () => {
    callers.push({ name: "anonymous", context: createInnerContext(null), role: null, scopes: null });
    for (const role of ROLES_UNDER_TEST) {
      const user = await createUser(role);
      callers.push({ name: `${role} session`, context: createInnerContext(sessionFor(user)), role, scopes: null });
      for (const scopes of SCOPE_SETS) {
        const { secret } = await createApiToken(user.id, { name: scopes.join("+"), scopes, expiresInDays: 1 });
        // The token goes through the same authentication as an HTTP request's Authorization header.
        const request = new Request(`${env.NEXTAUTH_URL}/api/trpc/x`, { headers: { authorization: `Bearer ${secret}` } });
        const result = await callerOfRequest(request);
        if (result.kind !== "caller") throw new Error(`token of ${role} refused: ${JSON.stringify(result)}`);
        const context = createInnerContext(result.caller.session, { apiToken: result.caller.apiToken });
        callers.push({ name: `${role} token [${scopes.join(",")}]`, context, role, scopes });
      }
    }
  });

  it("has an expectation for every procedure of the router, and none for a procedure that is gone", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures).toEqual(Object.keys(EXPECTED).sort());
  });

  it("allows exactly the expected callers", async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const path of Object.keys(appRouter._def.procedures)) {
      for (const caller of callers) {
        const got = await outcome(procedureOf(createCaller(caller.context), path));
        const want = expectedAllowed(path, caller) ? "allowed" : "denied";
        checked++;
        if (got !== want) mismatches.push(`${path} for ${caller.name}: ${got}, expected ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(Object.keys(EXPECTED).length * 10);
  });
});
