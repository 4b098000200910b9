import { expect, test } from "@playwright/test";
import { createEdgeAccount, credentialsLogin } from "./edge-http";

// The app's defaults (server/env.ts, server/auth/login-limiter.ts), unless the run overrides them.
const PER_ADDRESS = Number(process.env.LOGIN_MAX_ATTEMPTS ?? 5);
const PER_EMAIL = PER_ADDRESS * 4;
const LOCKED = /Too many failed logins/;

test("30 wrong passwords, each with a different X-Forwarded-For, lock the account: the right password is then refused", async () => {
  const account = createEdgeAccount();
  const verdicts: string[] = [];
  for (let i = 0; i < 30; i++) {
    const forged = { "x-forwarded-for": `198.51.100.${i + 1}`, "x-meshbench-peer-address": `203.0.113.${i + 1}` };
    verdicts.push(await credentialsLogin({ ...account, password: `wrong-${i}` }, { headers: forged }));
  }
  // Every attempt came over the same socket address, so the per-address budget runs out first.
  expect(verdicts.slice(0, PER_ADDRESS)).toEqual(Array(PER_ADDRESS).fill("Wrong email or password."));
  for (const verdict of verdicts.slice(PER_ADDRESS)) expect(verdict).toMatch(LOCKED);
  expect(await credentialsLogin(account, { headers: { "x-forwarded-for": "198.51.100.200" } })).toMatch(LOCKED);
});

test("wrong passwords from many socket addresses lock the email for every address", async () => {
  const account = createEdgeAccount();
  // Distinct loopback addresses are distinct clients as the server's socket sees them.
  const from = (i: number) => ({ localAddress: `127.0.${Math.floor(i / 200) + 10}.${(i % 200) + 2}` });
  for (let i = 0; i < PER_EMAIL; i++) {
    expect(await credentialsLogin({ ...account, password: `wrong-${i}` }, from(i))).toBe("Wrong email or password.");
  }
  expect(await credentialsLogin(account, from(PER_EMAIL))).toMatch(LOCKED);
  expect(await credentialsLogin(account, from(PER_EMAIL + 1))).toMatch(LOCKED);
});

test("one address's failures do not lock the account for others", async () => {
  const account = createEdgeAccount();
  const attacker = { localAddress: "127.0.9.9" };
  for (let i = 0; i < PER_ADDRESS; i++) await credentialsLogin({ ...account, password: "wrong" }, attacker);
  expect(await credentialsLogin(account, attacker)).toMatch(LOCKED);
  expect(await credentialsLogin(account, { localAddress: "127.0.9.10" })).toBe("ok");
});
