import { guardedRoute } from "~/server/http/guarded-route";
import { jsonError } from "~/server/reports/http";
import { acceptInviteInput } from "~/server/users/schemas";
import { acceptInvite, InviteRefused } from "~/server/users/service";

export const dynamic = "force-dynamic";

/**
 * Sets a first password from an invite link (or a password-reset link). Anonymous by design: the
 * link's one-time secret is the credential. POST only, behind the same-origin and body-size guards.
 */
async function handleInvite(req: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(400, "Send JSON: { token, password }.");
  }
  const parsed = acceptInviteInput.safeParse(body);
  if (!parsed.success) return jsonError(400, parsed.error.issues[0]?.message ?? "Invalid input.");
  try {
    const { email } = await acceptInvite(parsed.data);
    return Response.json({ email }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof InviteRefused) return jsonError(410, error.message);
    throw error;
  }
}

export const POST = guardedRoute(handleInvite, (req, body) => new Request(req, { body }));
