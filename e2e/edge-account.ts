import { hashPassword } from "~/server/auth/password";
import { db } from "~/server/db/client";

/** `tsx e2e/edge-account.ts EMAIL PASSWORD`: a viewer account of its own for a spec that locks it out. */
async function main(): Promise<void> {
  const [email, password] = process.argv.slice(2);
  if (!email || !password) throw new Error("usage: edge-account.ts EMAIL PASSWORD");
  await db.user.create({ data: { email, role: "VIEWER", passwordHash: await hashPassword(password) } });
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
