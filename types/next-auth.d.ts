import type { DefaultSession } from "next-auth";
import type { Role } from "~/core/roles";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role } & DefaultSession["user"];
  }
  interface User {
    role: Role;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    /** This session's id, revocable on its own (sign-out). */
    sid?: string;
    /** The user's session version when it was issued; bumping the user's ends it. */
    sv?: number;
  }
}
