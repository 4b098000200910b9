import { clearLoginFailures } from "~/server/auth/login-limiter";
import { hashPassword } from "~/server/auth/password";
import { db } from "~/server/db/client";
import { migrate } from "~/server/db/migrate";
import { env } from "~/server/env";
import { E2E_ADMIN, E2E_OPERATOR, E2E_VIEWER } from "./accounts";

async function main(): Promise<void> {
  await migrate(env.DATABASE_URL);
  for (const [account, role] of [
    [E2E_ADMIN, "ADMIN"],
    [E2E_OPERATOR, "OPERATOR"],
    [E2E_VIEWER, "VIEWER"],
  ] as const) {
    const passwordHash = await hashPassword(account.password);
    await db.user.upsert({
      where: { email: account.email },
      create: { email: account.email, role, passwordHash },
      update: { role, passwordHash, disabledAt: null },
    });
    await clearLoginFailures(account.email, "local");
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
