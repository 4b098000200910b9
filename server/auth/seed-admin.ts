import { randomBytes } from "node:crypto";
import { db } from "~/server/db/client";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./password";

export const GENERATED_ADMIN_EMAIL = "admin@meshbench.local";

export type SeedAdminOutcome =
  | { kind: "created"; email: string; generatedPassword: string | null }
  | { kind: "exists"; email: string };

/**
 * Makes sure an admin exists. ADMIN_EMAIL/ADMIN_PASSWORD create that account when it is missing;
 * without them, and with no admin at all, an account with a random password is created and the
 * password returned once, to be printed by the start command. Existing accounts are never changed.
 */
export async function seedAdmin(adminEmail: string | undefined, adminPassword: string | undefined): Promise<SeedAdminOutcome> {
  if (adminEmail || adminPassword) {
    if (!adminEmail || !adminPassword) throw new Error("Set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither");
    if (adminPassword.length < MIN_PASSWORD_LENGTH)
      throw new Error(`ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);
    const email = adminEmail.trim().toLowerCase();
    const existing = await db.user.findUnique({ where: { email } });
    if (existing) return { kind: "exists", email };
    await db.user.create({ data: { email, name: "Admin", role: "ADMIN", passwordHash: await hashPassword(adminPassword) } });
    return { kind: "created", email, generatedPassword: null };
  }
  const admin = await db.user.findFirst({ where: { role: "ADMIN" }, orderBy: { createdAt: "asc" } });
  if (admin) return { kind: "exists", email: admin.email };
  const generatedPassword = randomBytes(12).toString("base64url");
  await db.user.create({
    data: { email: GENERATED_ADMIN_EMAIL, name: "Admin", role: "ADMIN", passwordHash: await hashPassword(generatedPassword) },
  });
  return { kind: "created", email: GENERATED_ADMIN_EMAIL, generatedPassword };
}
