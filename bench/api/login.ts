import { CookieJar } from "./cookies";

/**
 * Log in through next-auth's credentials flow, like the login form does: GET /api/auth/csrf,
 * then POST /api/auth/callback/credentials (form-encoded), keeping cookies. Returns the Cookie
 * header that carries the session.
 */
export async function loginCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new CookieJar();
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  jar.store(csrfRes.headers.getSetCookie());
  const csrf: unknown = await csrfRes.json();
  const csrfToken = typeof csrf === "object" && csrf !== null && "csrfToken" in csrf ? String(csrf.csrfToken) : "";
  if (!csrfToken) throw new Error(`login: no csrfToken from /api/auth/csrf (HTTP ${csrfRes.status})`);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: baseUrl, json: "true" }).toString(),
  });
  jar.store(res.headers.getSetCookie());
  await res.arrayBuffer();
  const session = jar.get("next-auth.session-token") ?? jar.get("__Secure-next-auth.session-token");
  if (!session)
    throw new Error(`login failed: no session cookie (HTTP ${res.status}, location ${res.headers.get("location") ?? "-"})`);
  return jar.header();
}
