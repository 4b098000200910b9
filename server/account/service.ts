import { recordAudit } from "~/server/audit";
import { revokeAllSessions } from "~/server/auth/session-validity";

/** Ends every session of the caller, this one included; the page then signs out. */
export async function signOutEverywhere(userId: string): Promise<{ ok: true }> {
  await revokeAllSessions(userId);
  await recordAudit({ userId, action: "sign_out_everywhere" });
  return { ok: true };
}
