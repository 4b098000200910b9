import type { CredentialsConfig } from "next-auth/providers/credentials";
import { beforeEach, describe, expect, it } from "vitest";
import { authOptions } from "~/server/auth/config";
import { clearLoginFailures } from "~/server/auth/login-limiter";
import { hashPassword, verifyPassword } from "~/server/auth/password";
import { seedAdmin } from "~/server/auth/seed-admin";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { installPeerAddressHook, PEER_ADDRESS_HEADER } from "~/server/http/peer-address";
import { createUser } from "./helpers";

const provider = authOptions.providers[0] as CredentialsConfig;
// The client address comes from the socket, which the app's edge stamps into this header.
installPeerAddressHook();
// next-auth keeps the user's authorize under options; the top-level one is a placeholder.
const authorize = (email: string, password: string, ip = "10.9.8.7") =>
  provider.options.authorize({ email, password }, { headers: { [PEER_ADDRESS_HEADER]: ip } } as never);

describe("credentials login", () => {
  const password = "correct horse battery";
  let user: Awaited<ReturnType<typeof createUser>>;
  beforeEach(async () => {
    user = await createUser("VIEWER", password);
  });

  it("hashes with argon2id and verifies", async () => {
    expect(user.passwordHash?.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(user.passwordHash, password)).toBe(true);
    expect(await verifyPassword(user.passwordHash, "wrong")).toBe(false);
    expect(await verifyPassword("not-a-hash", password)).toBe(false);
  });

  it("logs in with the right password and records it", async () => {
    const result = await authorize(user.email, password);
    expect(result).toMatchObject({ id: user.id, email: user.email, role: "VIEWER" });
    expect(await db.auditEvent.count({ where: { userId: user.id, action: "login" } })).toBe(1);
  });

  it("refuses wrong passwords and unknown emails with the same message", async () => {
    await expect(authorize(user.email, "nope")).rejects.toThrow("Wrong email or password.");
    await expect(authorize("nobody@test.local", "nope")).rejects.toThrow("Wrong email or password.");
    await expect(authorize("not an email", "x")).rejects.toThrow(/valid email/);
    expect(await db.auditEvent.count({ where: { target: user.email, action: "login_failed" } })).toBe(1);
  });

  it("locks an email+IP after too many failures, even for the right password", async () => {
    const ip = "10.1.1.1";
    for (let i = 0; i < env.LOGIN_MAX_ATTEMPTS; i++) await expect(authorize(user.email, "nope", ip)).rejects.toThrow("Wrong");
    await expect(authorize(user.email, password, ip)).rejects.toThrow(/Too many failed logins/);
    // Another address is not locked out by someone else's guessing.
    await expect(authorize(user.email, password, "10.2.2.2")).resolves.toMatchObject({ id: user.id });
    await clearLoginFailures(user.email, ip);
    await expect(authorize(user.email, password, ip)).resolves.toMatchObject({ id: user.id });
  });
});

describe("admin seeding", () => {
  it("creates the admin from ADMIN_EMAIL/ADMIN_PASSWORD once and never overwrites it", async () => {
    const email = `seed-${Date.now()}@test.local`;
    expect(await seedAdmin(email, "a-long-password")).toEqual({ kind: "created", email, generatedPassword: null });
    const before = await db.user.findUniqueOrThrow({ where: { email } });
    expect(before.role).toBe("ADMIN");
    expect(await seedAdmin(email, "another-long-password")).toEqual({ kind: "exists", email });
    expect((await db.user.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(before.passwordHash);
    await expect(seedAdmin(email, undefined)).rejects.toThrow(/both/);
    await expect(seedAdmin("x@test.local", "short")).rejects.toThrow(/at least/);
  });

  it("generates a password only when no admin exists", async () => {
    await db.user.deleteMany({ where: { role: "ADMIN" } });
    const created = await seedAdmin(undefined, undefined);
    expect(created.kind).toBe("created");
    const generated = created.kind === "created" ? created.generatedPassword : null;
    expect(generated?.length).toBeGreaterThanOrEqual(12);
    const admin = await db.user.findUniqueOrThrow({ where: { email: created.email } });
    expect(await verifyPassword(admin.passwordHash, generated ?? "")).toBe(true);
    expect(await seedAdmin(undefined, undefined)).toEqual({ kind: "exists", email: created.email });
    expect(await hashPassword("x")).not.toBe(await hashPassword("x")); // salted
  });
});
