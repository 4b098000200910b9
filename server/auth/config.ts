import type { NextAuthOptions, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import type { Role } from "~/core/roles";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { appLog } from "~/server/log";
import { clientAddress } from "./client-address";
import { assertLoginAllowed, clearLoginFailures, LoginLockedError, recordLoginFailure } from "./login-limiter";
import { hashPassword, verifyPassword } from "./password";
import { currentSessionUser, newSessionId, revokeSession } from "./session-validity";

/**
 * The session's user as it is now. When PostgreSQL or Redis cannot answer, the token is trusted
 * as it stands: every read needs the database anyway, so the caller gets a 503 from the procedure,
 * not a 401 that would send them to the login page for an outage.
 */
async function sessionUserOrTrustToken(token: JWT): Promise<{ id: string; role: Role } | null> {
  try {
    return await currentSessionUser(token);
  } catch (error) {
    appLog.warn(`session check skipped (${(error as Error).message.split("\n")[0]}): the token is trusted until it can run`);
    return token.uid && token.role ? { id: token.uid, role: token.role } : null;
  }
}

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
  session: { strategy: "jwt", maxAge: env.SESSION_MAX_AGE_SECONDS },
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
        if (user.disabledAt) {
          await recordAudit({ userId: user.id, action: "login_failed", target: email, detail: { ip, reason: "disabled" } });
          throw new Error("This account is disabled. Ask an admin.");
        }
        await clearLoginFailures(email, ip);
        await recordAudit({ userId: user.id, action: "login", detail: { ip } });
        return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.sid = newSessionId();
        token.sv = user.sessionVersion;
      }
      return token;
    },
    /** Runs on every server-side session read: a session that has ended comes back without a user. */
    async session({ session, token }) {
      const current = await sessionUserOrTrustToken(token);
      if (!current) return { expires: session.expires } as Session;
      session.user = { ...session.user, id: current.id, role: current.role };
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) await revokeSession(token.sid, typeof token.exp === "number" ? token.exp : undefined);
    },
  },
};
