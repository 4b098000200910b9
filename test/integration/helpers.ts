import { randomUUID } from "node:crypto";
import type { Session } from "next-auth";
import { createCaller } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { hashPassword } from "~/server/auth/password";
import { db } from "~/server/db/client";

export async function createUser(role: "ADMIN" | "VIEWER", password = "correct horse battery") {
  return db.user.create({
    data: { email: `${role.toLowerCase()}-${randomUUID()}@test.local`, role, passwordHash: await hashPassword(password) },
  });
}

export function sessionFor(user: { id: string; email: string; role: "ADMIN" | "VIEWER" }): Session {
  return { user: { id: user.id, email: user.email, role: user.role }, expires: new Date(Date.now() + 3_600_000).toISOString() };
}

export function callerFor(session: Session | null) {
  return createCaller(createInnerContext(session));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
