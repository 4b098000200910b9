import { beforeEach, describe, expect, it } from "vitest";
import { GET as trpcGet, POST as trpcPost } from "~/app/api/trpc/[trpc]/route";
import { ApiTokenRefused, authenticateApiToken } from "~/server/auth/api-token";
import { apiTokenDigest } from "~/server/auth/api-token-format";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { sharedRedis } from "~/server/queue/redis";
import { runQueue } from "~/server/queue/run-queue";
import { createApiToken } from "~/server/tokens/service";
import { callerFor, createUser, expectCode, sessionFor, TINY_LOCAL_SPEC } from "./helpers";

const APP = env.NEXTAUTH_URL;
let address = 0;
/** Each test gets its own client address, so the failure budget of one does not leak into another. */
const nextAddress = () => `10.77.0.${++address}`;

async function refusal(promise: Promise<unknown>): Promise<ApiTokenRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiTokenRefused);
  return error as ApiTokenRefused;
}

function trpcRequest(path: string, token: string | null, body?: unknown): Request {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body === undefined) {
    return new Request(`${APP}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, { headers });
  }
  headers["content-type"] = "application/json";
  return new Request(`${APP}/api/trpc/${path}`, { method: "POST", headers, body: JSON.stringify({ json: body }) });
}

const context = { params: Promise.resolve({ trpc: "" }) };

describe("API tokens", () => {
  beforeEach(async () => {
    const keys = await sharedRedis().keys(`${env.QUEUE_PREFIX}:api-token*`);
    if (keys.length > 0) await sharedRedis().del(...keys);
  });

  it("shows the secret once and keeps only its SHA-256", async () => {
    const operator = await createUser("OPERATOR");
    const created = await callerFor(sessionFor(operator)).tokens.create({ name: "ci", scopes: ["read", "run"] });
    expect(created.secret).toMatch(/^mb_/);
    const days = (created.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretHash).toBe(apiTokenDigest(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(3));
    const listed = await callerFor(sessionFor(operator)).tokens.list();
    expect(listed.map((t) => t.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(3));
    expect(listed[0]).toMatchObject({ state: "active", prefix: created.secret.slice(0, 11), lastUsedAt: null });
    expect(await db.auditEvent.count({ where: { action: "token.create", target: created.id, userId: operator.id } })).toBe(1);
  });

  it("stands for its user with today's role, records its last use, and is refused at once when revoked", async () => {
    const operator = await createUser("OPERATOR");
    const { secret, id } = await createApiToken(operator.id, { name: "ci", scopes: ["read"], expiresInDays: 90 });
    const ip = nextAddress();
    const identity = await authenticateApiToken(secret, ip);
    expect(identity).toMatchObject({ tokenId: id, scopes: ["read"], user: { id: operator.id, role: "OPERATOR" } });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();

    await db.user.update({ where: { id: operator.id }, data: { role: "VIEWER" } });
    expect((await authenticateApiToken(secret, ip)).user.role).toBe("VIEWER");

    await callerFor(sessionFor(operator)).tokens.revoke({ id });
    const revoked = await refusal(authenticateApiToken(secret, ip));
    expect(revoked.status).toBe(401);
    expect(revoked.message).toMatch(/revoked/);
  });

  it("refuses expired tokens, a disabled user's tokens, unknown and malformed ones, with a reason", async () => {
    const user = await createUser("OPERATOR");
    const ip = nextAddress();
    const expired = await createApiToken(user.id, { name: "old", scopes: ["read"], expiresInDays: 1 });
    await db.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await refusal(authenticateApiToken(expired.secret, ip))).message).toMatch(/expired on \d{4}-\d\d-\d\d/);

    const live = await createApiToken(user.id, { name: "live", scopes: ["read"], expiresInDays: 1 });
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await refusal(authenticateApiToken(live.secret, ip))).message).toMatch(/disabled/);

    expect((await refusal(authenticateApiToken(`mb_${"A".repeat(49)}`, ip))).message).toMatch(/checksum/);
    const other = await createApiToken((await createUser("VIEWER")).id, { name: "x", scopes: ["read"], expiresInDays: 1 });
    await db.apiToken.delete({ where: { id: other.id } });
    expect((await refusal(authenticateApiToken(other.secret, ip))).message).toBe("Unknown API token.");
  });

  it("limits requests per token, and invalid tokens per address", async () => {
    const user = await createUser("VIEWER");
    const { secret } = await createApiToken(user.id, { name: "busy", scopes: ["read"], expiresInDays: 1 });
    const ip = nextAddress();
    for (let i = 0; i < env.API_TOKEN_REQUESTS_PER_MINUTE; i++) await authenticateApiToken(secret, ip);
    const limited = await refusal(authenticateApiToken(secret, ip));
    expect(limited.status).toBe(429);
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);

    const guesser = nextAddress();
    for (let i = 0; i < env.API_TOKEN_MAX_FAILURES; i++) {
      expect((await refusal(authenticateApiToken("mb_nope", guesser))).status).toBe(401);
    }
    const other = await createApiToken(user.id, { name: "fine", scopes: ["read"], expiresInDays: 1 });
    expect((await refusal(authenticateApiToken(other.secret, guesser))).status).toBe(429);
    await expect(authenticateApiToken(other.secret, nextAddress())).resolves.toMatchObject({ tokenId: other.id });
  });

  it("cannot create, list others' or revoke others' tokens without being an admin", async () => {
    const owner = await createUser("OPERATOR");
    const stranger = await createUser("OPERATOR");
    const admin = await createUser("ADMIN");
    const { id } = await createApiToken(owner.id, { name: "mine", scopes: ["read"], expiresInDays: 1 });
    await expectCode(callerFor(sessionFor(stranger)).tokens.revoke({ id }), "NOT_FOUND");
    await expectCode(callerFor(sessionFor(stranger)).tokens.listAll({}), "FORBIDDEN");
    expect((await callerFor(sessionFor(stranger)).tokens.list()).length).toBe(0);
    const all = await callerFor(sessionFor(admin)).tokens.listAll({ userId: owner.id });
    expect(all.items.map((t) => [t.id, t.user.email])).toEqual([[id, owner.email]]);
    await callerFor(sessionFor(admin)).tokens.revokeAny({ id });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
    await expectCode(callerFor(null).tokens.create({ name: "x", scopes: ["read"] }), "UNAUTHORIZED");
    await expectCode(callerFor(sessionFor(owner)).tokens.create({ name: " ", scopes: ["read"] }), "BAD_REQUEST");
    await expectCode(callerFor(sessionFor(owner)).tokens.create({ name: "x", scopes: [] }), "BAD_REQUEST");
    await expectCode(
      callerFor(sessionFor(owner)).tokens.create({ name: "x", scopes: ["read"], expiresInDays: 366 }),
      "BAD_REQUEST",
    );
  });
});

describe("Authorization: Bearer on the tRPC endpoint", () => {
  it("reads with a read token, starts a run with a run token, and never sets a cookie", async () => {
    const operator = await createUser("OPERATOR");
    const reader = await createApiToken(operator.id, { name: "read", scopes: ["read"], expiresInDays: 1 });
    const runner = await createApiToken(operator.id, { name: "run", scopes: ["read", "run"], expiresInDays: 1 });

    const list = await trpcGet(trpcRequest("runs.list", reader.secret), context);
    expect(list.status).toBe(200);
    expect(list.headers.get("set-cookie")).toBeNull();

    const refused = await trpcPost(trpcRequest("runs.create", reader.secret, { name: "x", spec: TINY_LOCAL_SPEC }), context);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('lacks the \\"run\\" scope');

    const created = await trpcPost(
      trpcRequest("runs.create", runner.secret, { name: "from CI", spec: TINY_LOCAL_SPEC }),
      context,
    );
    expect(created.status).toBe(200);
    expect(created.headers.get("set-cookie")).toBeNull();
    const run = await db.benchmarkRun.findFirstOrThrow({ where: { name: "from CI" } });
    expect(run.createdById).toBe(operator.id);
    await (await runQueue().getJob(run.id))?.remove();
    await db.benchmarkRun.delete({ where: { id: run.id } });
  });

  it("answers 401 with the reason for a revoked token, and for any procedure name", async () => {
    const viewer = await createUser("VIEWER");
    const token = await createApiToken(viewer.id, { name: "t", scopes: ["read", "run"], expiresInDays: 1 });
    const run = await trpcPost(trpcRequest("runs.create", token.secret, { name: "x", spec: TINY_LOCAL_SPEC }), context);
    expect(run.status).toBe(403);
    await db.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    for (const path of ["runs.list", "no.such.procedure"]) {
      const res = await trpcGet(trpcRequest(path, token.secret), context);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).toContain("revoked");
    }
  });
});
