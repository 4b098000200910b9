import { getServerSession, type Session } from "next-auth";
import { authOptions } from "./config";

/** The caller's session, or null when there is none or it has ended (signed out, revoked, user gone). */
export async function getSession(): Promise<Session | null> {
  const session = await getServerSession(authOptions);
  return session?.user ? session : null;
}
