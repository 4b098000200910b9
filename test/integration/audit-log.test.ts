import { beforeAll, describe, expect, it } from "vitest";
import { GET as exportAudit } from "~/app/api/audit/export/route";
import { POST as trpcPost } from "~/app/api/trpc/[trpc]/route";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { runQueue } from "~/server/queue/run-queue";
import { createApiToken } from "~/server/tokens/service";
import { callerFor, createUser, expectCode, sessionFor, TINY_LOCAL_SPEC } from "./helpers";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("audit log", () => {
  let admin: Awaited<ReturnType<typeof createUser>>;
  let operator: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    await db.auditEvent.deleteMany();
    admin = await createUser("ADMIN");
    operator = await createUser("OPERATOR");
  });

  it("records who did what, names the API token that did it, and filters by action, user and time", async () => {
    const { secret, prefix } = await createApiToken(operator.id, { name: "ci", scopes: ["read", "run"], expiresInDays: 1 });
    const res = await trpcPost(
      new Request(`${env.NEXTAUTH_URL}/api/trpc/runs.create`, {
        method: "POST",
        headers: { ...bearer(secret), "content-type": "application/json" },
        body: JSON.stringify({ json: { name: "audited", spec: TINY_LOCAL_SPEC } }),
      }),
      { params: Promise.resolve({ trpc: "" }) },
    );
    expect(res.status).toBe(200);
    const run = await db.benchmarkRun.findFirstOrThrow({ where: { name: "audited" } });
    await (await runQueue().getJob(run.id))?.remove();
    await callerFor(sessionFor(operator)).runs.cancel({ id: run.id });
    const before = new Date();
    await callerFor(sessionFor(admin)).users.setRole({ id: operator.id, role: "OPERATOR" });
    await callerFor(sessionFor(admin)).users.create({
      email: `audited-${Date.now()}@test.local`,
      role: "VIEWER",
      method: "invite",
    });

    const audit = callerFor(sessionFor(admin)).audit;
    const runEvents = await audit.list({ action: "run.*" });
    expect(runEvents.items.map((e) => e.action)).toEqual(["run.cancel", "run.create"]);
    const created = runEvents.items[1];
    expect(created).toMatchObject({ target: run.id, user: { email: operator.email } });
    expect(created?.detail).toMatchObject({ apiToken: prefix });
    expect(runEvents.items[0]?.detail).toBeNull();

    expect((await audit.list({ action: "token.create" })).items).toHaveLength(1);
    const byOperator = await audit.list({ user: operator.email.slice(0, 12).toUpperCase() });
    expect(byOperator.items.every((e) => e.user?.email === operator.email)).toBe(true);
    expect(byOperator.items.map((e) => e.action).sort()).toEqual(["run.cancel", "run.create", "token.create"]);
    const recent = await audit.list({ from: before });
    expect(recent.items.map((e) => e.action)).toEqual(["user.create"]);
    expect((await audit.list({ to: new Date(before.getTime() - 60_000) })).items).toHaveLength(0);
    await expectCode(audit.list({ from: new Date(), to: before }), "BAD_REQUEST");
    await expectCode(audit.list({ action: "DROP TABLE" }), "BAD_REQUEST");
  });

  it("pages newest first without gaps or repeats", async () => {
    await db.auditEvent.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({
        userId: admin.id,
        action: "paging.test",
        target: `t${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      })),
    });
    const audit = callerFor(sessionFor(admin)).audit;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof audit.list>> = await audit.list({ action: "paging.test", limit: 3, cursor });
      seen.push(...page.items.map((e) => e.target ?? ""));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["t6", "t5", "t4", "t3", "t2", "t1", "t0"]);
  });

  it("is for admins only", async () => {
    const viewer = await createUser("VIEWER");
    await expectCode(callerFor(sessionFor(viewer)).audit.list({}), "FORBIDDEN");
    await expectCode(callerFor(sessionFor(operator)).audit.list({}), "FORBIDDEN");
    await expectCode(callerFor(null).audit.list({}), "UNAUTHORIZED");
  });

  it("exports as CSV with the same filters, keeping formula-like cells as text", async () => {
    await db.auditEvent.create({
      data: { userId: null, action: "login_failed", target: "=cmd|' /C calc'!A0", detail: { ip: "10.0.0.1" } },
    });
    const { secret } = await createApiToken(admin.id, { name: "export", scopes: ["read"], expiresInDays: 1 });
    const url = `${env.NEXTAUTH_URL}/api/audit/export?action=login_failed`;
    const res = await exportAudit(new Request(url, { headers: bearer(secret) }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="meshbench-audit-/);
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe('"time","user_email","user_id","action","description","target","detail"');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"login_failed","failed to log in","'=cmd|' /C calc'!A0","{""ip"":""10.0.0.1""}"`);

    const operatorToken = await createApiToken(operator.id, { name: "x", scopes: ["read", "run"], expiresInDays: 1 });
    expect((await exportAudit(new Request(url, { headers: bearer(operatorToken.secret) }))).status).toBe(403);
    const runOnly = await createApiToken(admin.id, { name: "run only", scopes: ["run"], expiresInDays: 1 });
    expect((await exportAudit(new Request(url, { headers: bearer(runOnly.secret) }))).status).toBe(403);
    const bad = await exportAudit(
      new Request(`${env.NEXTAUTH_URL}/api/audit/export?from=yesterday`, { headers: bearer(secret) }),
    );
    expect(bad.status).toBe(400);
  });
});
