import { describe, expect, it } from "vitest";
import { currentSessionUser, newSessionId, revokeAllSessions, revokeSession } from "~/server/auth/session-validity";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { createUser } from "./helpers";

const claimsOf = (user: { id: string; sessionVersion: number }) => ({
  uid: user.id,
  sid: newSessionId(),
  sv: user.sessionVersion,
});
const afterRecheck = () => new Promise((r) => setTimeout(r, env.SESSION_RECHECK_SECONDS * 1000 + 200));

describe("sessions that end", () => {
  it("a current session stands for its user with today's role", async () => {
    const user = await createUser("ADMIN");
    expect(await currentSessionUser(claimsOf(user))).toMatchObject({ id: user.id, role: "ADMIN" });
  });

  it("a signed-out session is refused at once, the user's other sessions are not", async () => {
    const user = await createUser("VIEWER");
    const signedOut = claimsOf(user);
    const other = claimsOf(user);
    await revokeSession(signedOut.sid, Math.floor(Date.now() / 1000) + 60);
    expect(await currentSessionUser(signedOut)).toBeNull();
    expect(await currentSessionUser(other)).not.toBeNull();
  });

  it("'sign out everywhere' ends every session of the user", async () => {
    const user = await createUser("VIEWER");
    const a = claimsOf(user);
    const b = claimsOf(user);
    expect(await currentSessionUser(a)).not.toBeNull();
    await revokeAllSessions(user.id);
    expect(await currentSessionUser(a)).toBeNull();
    expect(await currentSessionUser(b)).toBeNull();
  });

  it("a deleted user's session ends, and a demoted admin reads as a viewer, within the recheck time", async () => {
    const gone = await createUser("VIEWER");
    const demoted = await createUser("ADMIN");
    const goneClaims = claimsOf(gone);
    const demotedClaims = claimsOf(demoted);
    expect(await currentSessionUser(goneClaims)).not.toBeNull();
    expect(await currentSessionUser(demotedClaims)).toMatchObject({ role: "ADMIN" });
    await db.user.delete({ where: { id: gone.id } });
    await db.user.update({ where: { id: demoted.id }, data: { role: "VIEWER" } });
    await afterRecheck();
    expect(await currentSessionUser(goneClaims)).toBeNull();
    expect(await currentSessionUser(demotedClaims)).toMatchObject({ role: "VIEWER" });
  });

  it("a token from before session ids existed is refused", async () => {
    const user = await createUser("VIEWER");
    expect(await currentSessionUser({ uid: user.id })).toBeNull();
  });
});
