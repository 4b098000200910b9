import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether an Authorization header carries exactly this bearer token, compared in constant time. */
export function hasBearerToken(authorization: string | null, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  // Digests have one length, so timingSafeEqual never leaks the token's length either.
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}
