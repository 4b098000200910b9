import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import { expect } from "vitest";
import type { Role } from "~/core/roles";
import { createCaller } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { hashPassword } from "~/server/auth/password";
import { db } from "~/server/db/client";

export async function createUser(role: Role, password = "correct horse battery") {
  return db.user.create({
    data: { email: `${role.toLowerCase()}-${randomUUID()}@test.local`, role, passwordHash: await hashPassword(password) },
  });
}

export function sessionFor(user: { id: string; email: string; role: Role }): Session {
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

/** The smallest local run a test can queue: one second at 100 rps, no warm-up, one repetition. */
export const TINY_LOCAL_SPEC = {
  backend: "LOCAL",
  mesh: "baseline",
  mode: "fixed-rate",
  rate: 100,
  connections: 2,
  durationSeconds: 1,
  warmupSeconds: 0,
  payloadBytes: 0,
  repetitions: 1,
} as const;

/** Asserts the promise rejects with a tRPC error of this code, and returns the error. */
export async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}
