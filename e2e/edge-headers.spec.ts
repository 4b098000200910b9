import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { logIn } from "./login";

function directives(policy: string | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (policy ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

test("pages send a nonce CSP, frame, sniffing, referrer and permissions protection, and no HSTS over http", async ({
  request,
}) => {
  for (const path of ["/login", "/"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    const headers = res.headers();
    const csp = directives(headers["content-security-policy"]);
    const scripts = csp.get("script-src") ?? [];
    expect(
      scripts.some((s) => /^'nonce-[A-Za-z0-9+/]+={0,2}'$/.test(s)),
      path,
    ).toBe(true);
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["strict-transport-security"]).toBeUndefined();
  }
  // Each render has its own nonce.
  const [a, b] = [await request.get("/login"), await request.get("/login")];
  expect(a.headers()["content-security-policy"]).not.toBe(b.headers()["content-security-policy"]);
  // API answers are not sniffed either.
  expect((await request.get("/api/auth/csrf")).headers()["x-content-type-options"]).toBe("nosniff");
});

test("HSTS is sent when the app is reached over HTTPS (a TLS-terminating proxy says so)", async ({ request }) => {
  const res = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
  expect(res.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);
});

test("a client cannot choose the nonce by sending its own policy", async ({ request }) => {
  const res = await request.get("/login", { headers: { "content-security-policy": "script-src 'nonce-chosenbytheclient'" } });
  expect(res.headers()["content-security-policy"]).not.toContain("chosenbytheclient");
  expect(await res.text()).not.toContain("chosenbytheclient");
});

/** Collects every CSP violation in the page (Playwright's init scripts are exempt from the page's CSP). */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  return async () => [
    ...consoleErrors,
    ...(await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])),
  ];
}

test("every page renders and hydrates under the CSP without a violation", async ({ page }) => {
  const violations = await recordViolations(page);
  // Logging in goes through the hydrated form (signIn over fetch); menu links are client-side navigations.
  await logIn(page, E2E_ADMIN);
  expect(await violations()).toEqual([]);
  for (const [link, path] of [
    ["New run", /\/runs\/new$/],
    ["Compare", /\/compare$/],
    ["Reports", /\/reports$/],
    ["Probes", /\/probes$/],
    ["Cluster", /\/cluster$/],
    ["Runs", /\/$/],
  ] as const) {
    await page.getByRole("navigation").getByRole("link", { name: link, exact: true }).click();
    await expect(page).toHaveURL(path);
    await page.waitForLoadState("networkidle");
    expect(await violations(), link).toEqual([]);
  }
  for (const path of ["/runs/new", "/compare", "/reports", "/probes", "/cluster"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(await violations(), path).toEqual([]);
  }
});

test("another site cannot frame the app", async ({ page, baseURL }) => {
  // The framing page is served from another origin on this machine (a page from the internet may not
  // frame a local address at all, whatever the app says, which would prove nothing).
  const framing = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<iframe id="app" src="${baseURL}/login"></iframe>`);
  });
  await new Promise<void>((resolve) => framing.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = framing.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`); // waits for the frame's load event, blocked or not
    await expect(page.frameLocator("#app").getByRole("button", { name: "Log in" })).toHaveCount(0);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame?.url()).not.toContain("/login");
  } finally {
    framing.close();
  }
});
