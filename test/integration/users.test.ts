import type { CredentialsConfig } from "next-auth/providers/credentials";
import { beforeEach, describe, expect, it } from "vitest";
import { POST as acceptInviteRoute } from "~/app/api/invite/route";
import { ApiTokenRefused, authenticateApiToken } from "~/server/auth/api-token";
import { authOptions } from "~/server/auth/config";
import { clearLoginFailures } from "~/server/auth/login-limiter";
import { verifyPassword } from "~/server/auth/password";
import { currentSessionUser, newSessionId } from "~/server/auth/session-validity";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { installPeerAddressHook, PEER_ADDRESS_HEADER } from "~/server/http/peer-address";
import { createApiToken } from "~/server/tokens/service";
import { callerFor, createUser, expectCode, sessionFor } from "./helpers";

installPeerAddressHook();
const provider = authOptions.providers[0] as CredentialsConfig;
const authorize = (email: string, password: string) =>
  provider.options.authorize({ email, password }, { headers: { [PEER_ADDRESS_HEADER]: "10.66.0.1" } } as never);

function inviteRequest(token: string, password: string): Request {
  return new Request(`${env.NEXTAUTH_URL}/api/invite`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password }),
  });
}
const secretOf = (inviteUrl: string | null) => inviteUrl?.split("/invite/")[1] ?? "";

describe("users managed by admins", () => {
  let admin: Awaited<ReturnType<typeof createUser>>;
  beforeEach(async () => {
    admin = await createUser("ADMIN");
  });

  it("invites a user, who sets a password once with the link and then logs in", async () => {
    const caller = callerFor(sessionFor(admin));
    const email = `invited-${Date.now()}@test.local`;
    const created = await caller.users.create({ email: ` ${email.toUpperCase()} `, role: "OPERATOR", method: "invite" });
    expect(created.user).toMatchObject({ email, role: "OPERATOR", state: "invited" });
    expect(created.temporaryPassword).toBeNull();
    expect(created.inviteUrl).toMatch(new RegExp(`^${env.NEXTAUTH_URL}/invite/[A-Za-z0-9_-]{43}$`));
    expect(JSON.stringify(created.user)).not.toMatch(/passwordHash|inviteTokenHash/);
    await expect(authorize(email, "anything-at-all")).rejects.toThrow("Wrong email or password.");

    const short = await acceptInviteRoute(inviteRequest(secretOf(created.inviteUrl), "short"), undefined);
    expect(short.status).toBe(400);
    const ok = await acceptInviteRoute(inviteRequest(secretOf(created.inviteUrl), "a fine new password"), undefined);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ email });
    await expect(authorize(email, "a fine new password")).resolves.toMatchObject({ email, role: "OPERATOR" });

    const again = await acceptInviteRoute(inviteRequest(secretOf(created.inviteUrl), "another password!"), undefined);
    expect(again.status).toBe(410);
    expect((await again.json()).error).toMatch(/expired or was already used/);
    expect(await db.auditEvent.count({ where: { action: "user.create", target: created.user.id, userId: admin.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "user.invite_accepted", target: created.user.id } })).toBe(1);
  });

  it("refuses an expired invite link", async () => {
    const created = await callerFor(sessionFor(admin)).users.create({
      email: `late-${Date.now()}@test.local`,
      role: "VIEWER",
      method: "invite",
    });
    await db.user.update({ where: { id: created.user.id }, data: { inviteExpiresAt: new Date(Date.now() - 1000) } });
    const res = await acceptInviteRoute(inviteRequest(secretOf(created.inviteUrl), "a fine new password"), undefined);
    expect(res.status).toBe(410);
    expect((await db.user.findUniqueOrThrow({ where: { id: created.user.id } })).passwordHash).toBeNull();
  });

  it("creates a user with a temporary password shown once, and refuses a second user with the same email", async () => {
    const caller = callerFor(sessionFor(admin));
    const email = `temp-${Date.now()}@test.local`;
    const created = await caller.users.create({ email, name: "Temp", role: "VIEWER", method: "password" });
    expect(created.inviteUrl).toBeNull();
    expect(created.temporaryPassword?.length).toBeGreaterThanOrEqual(16);
    await expect(authorize(email, created.temporaryPassword ?? "")).resolves.toMatchObject({ email, role: "VIEWER" });
    await expectCode(caller.users.create({ email, role: "ADMIN", method: "invite" }), "CONFLICT");
    await expectCode(caller.users.create({ email: "not an email", role: "ADMIN", method: "invite" }), "BAD_REQUEST");
    expect(await db.user.count({ where: { email } })).toBe(1);
  });

  it("disables a user: no login, sessions end, tokens refused; enabling lets them back in", async () => {
    const password = "correct horse battery";
    const user = await createUser("OPERATOR", password);
    const claims = { uid: user.id, sid: newSessionId(), sv: user.sessionVersion };
    const { secret } = await createApiToken(user.id, { name: "ci", scopes: ["read"], expiresInDays: 1 });
    expect(await currentSessionUser(claims)).not.toBeNull();

    const caller = callerFor(sessionFor(admin));
    expect((await caller.users.setDisabled({ id: user.id, disabled: true })).state).toBe("disabled");
    expect(await currentSessionUser(claims)).toBeNull();
    await expect(authorize(user.email, password)).rejects.toThrow(/disabled/);
    await expect(authenticateApiToken(secret, "10.66.0.2")).rejects.toBeInstanceOf(ApiTokenRefused);
    // Even a session still in hand (before its recheck) can no longer operate.
    await expectCode(callerFor(sessionFor(user)).reports.generate({ runIds: ["x"], formats: ["HTML"] }), "FORBIDDEN");

    await caller.users.setDisabled({ id: user.id, disabled: false });
    await clearLoginFailures(user.email, "10.66.0.1");
    await expect(authorize(user.email, password)).resolves.toMatchObject({ id: user.id });
    await expect(authenticateApiToken(secret, "10.66.0.2")).resolves.toMatchObject({ user: { id: user.id } });
    await expectCode(caller.users.setDisabled({ id: admin.id, disabled: true }), "BAD_REQUEST");
  });

  it("changes roles, and deletes a user and their tokens", async () => {
    const caller = callerFor(sessionFor(admin));
    const user = await createUser("VIEWER");
    expect((await caller.users.setRole({ id: user.id, role: "OPERATOR" })).role).toBe("OPERATOR");
    await createApiToken(user.id, { name: "ci", scopes: ["read"], expiresInDays: 1 });
    await caller.users.delete({ id: user.id });
    expect(await db.user.count({ where: { id: user.id } })).toBe(0);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: { in: ["user.role", "user.delete"] }, target: user.id } })).toBe(2);
    await expectCode(caller.users.delete({ id: user.id }), "NOT_FOUND");
    await expectCode(caller.users.delete({ id: admin.id }), "BAD_REQUEST");
  });

  it("never leaves MeshBench without an active admin, even when two admins demote each other at once", async () => {
    await db.user.updateMany({ where: { role: "ADMIN", id: { not: admin.id } }, data: { role: "VIEWER" } });
    const caller = callerFor(sessionFor(admin));
    const other = await createUser("ADMIN");
    const otherCaller = callerFor(sessionFor(other));

    const results = await Promise.allSettled([
      caller.users.setRole({ id: other.id, role: "VIEWER" }),
      otherCaller.users.setRole({ id: admin.id, role: "OPERATOR" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(/last active admin/);
    expect(await db.user.count({ where: { role: "ADMIN", disabledAt: null } })).toBe(1);

    const last = await db.user.findFirstOrThrow({ where: { role: "ADMIN", disabledAt: null } });
    const lastCaller = callerFor(sessionFor(last));
    const someoneElse = last.id === admin.id ? other : admin;
    await db.user.update({ where: { id: someoneElse.id }, data: { role: "ADMIN", disabledAt: new Date() } });
    // A disabled admin does not count: the last active one still cannot go.
    await expectCode(lastCaller.users.setRole({ id: last.id, role: "VIEWER" }), "CONFLICT");
    await expectCode(callerFor(sessionFor(someoneElse)).users.list(), "FORBIDDEN");
    await db.user.update({ where: { id: someoneElse.id }, data: { disabledAt: null } });
    await callerFor(sessionFor(someoneElse)).users.setDisabled({ id: last.id, disabled: true });
    await expectCode(callerFor(sessionFor(someoneElse)).users.setRole({ id: someoneElse.id, role: "VIEWER" }), "CONFLICT");
  });
});

describe("changing one's own password", () => {
  it("needs the current password, counts wrong ones as failed logins, and ends every session", async () => {
    const user = await createUser("VIEWER", "the old password");
    const caller = callerFor(sessionFor(user));
    await expectCode(
      caller.account.changePassword({ currentPassword: "wrong", newPassword: "a brand new password" }),
      "BAD_REQUEST",
    );
    await expectCode(caller.account.changePassword({ currentPassword: "the old password", newPassword: "short" }), "BAD_REQUEST");
    const claims = { uid: user.id, sid: newSessionId(), sv: user.sessionVersion };
    await caller.account.changePassword({ currentPassword: "the old password", newPassword: "a brand new password" });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(row.passwordHash, "a brand new password")).toBe(true);
    expect(row.passwordHash?.startsWith("$argon2id$")).toBe(true);
    expect(await currentSessionUser(claims)).toBeNull();
    expect(await db.auditEvent.count({ where: { userId: user.id, action: "password.change_failed" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { userId: user.id, action: "password.change" } })).toBe(1);
  });
});
