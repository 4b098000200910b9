import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { clientAddress } from "./client-address";
import { assertLoginAllowed, clearLoginFailures, LoginLockedError, recordLoginFailure } from "./login-limiter";
import { hashPassword, verifyPassword } from "./password";

let dummyHashPromise: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummyHashPromise ??= hashPassword("meshbench-no-such-user");
  return dummyHashPromise;
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(1024),
});

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) throw new Error("Enter a valid email and password.");
        const { email, password } = parsed.data;
        // The socket's address (or, behind TRUSTED_PROXIES, the hop they saw): never a header the client chose.
        const ip = clientAddress(req.headers);
        try {
          await assertLoginAllowed(email, ip);
        } catch (error) {
          if (error instanceof LoginLockedError) throw error;
          throw new Error("Login is temporarily unavailable (rate limiter unreachable).");
        }
        const user = await db.user.findUnique({ where: { email } });
        // Unknown emails still pay for one argon2 verify, so timing does not reveal which exist.
        const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
        if (!user || !ok) {
          await recordLoginFailure(email, ip);
          await recordAudit({ userId: user?.id ?? null, action: "login_failed", target: email, detail: { ip } });
          throw new Error("Wrong email or password.");
        }
        await clearLoginFailures(email, ip);
        await recordAudit({ userId: user.id, action: "login", detail: { ip } });
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.role) {
        session.user = { ...session.user, id: token.uid, role: token.role };
      }
      return session;
    },
  },
};
