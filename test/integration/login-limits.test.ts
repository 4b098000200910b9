import type { CredentialsConfig } from "next-auth/providers/credentials";
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { authOptions } from "~/server/auth/config";
import { EMAIL_BUDGET_FACTOR } from "~/server/auth/login-limiter";
import { env } from "~/server/env";
import { installPeerAddressHook, PEER_ADDRESS_HEADER } from "~/server/http/peer-address";
import { webMetrics } from "~/server/metrics/registry";
import { createUser } from "./helpers";

const provider = authOptions.providers[0] as CredentialsConfig;
/** A login as the app's edge passes it on: the socket address stamped, plus whatever the client sent. */
const authorize = (email: string, password: string, peer: string, sent: Record<string, string> = {}) =>
  provider.options.authorize({ email, password }, { headers: { ...sent, [PEER_ADDRESS_HEADER]: peer } } as never);

async function lockouts(scope: "address" | "email"): Promise<number> {
  const metric = await webMetrics().loginLockouts.get();
  return metric.values.find((v) => v.labels.scope === scope)?.value ?? 0;
}

describe("login limits", () => {
  const password = "correct horse battery";
  const perEmail = env.LOGIN_MAX_ATTEMPTS * EMAIL_BUDGET_FACTOR;
  let user: Awaited<ReturnType<typeof createUser>>;
  let warn: MockInstance<typeof console.warn>;
  beforeAll(() => installPeerAddressHook());
  beforeEach(async () => {
    user = await createUser("VIEWER", password);
    warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it("a rotating X-Forwarded-For does not reset the budget: the socket's address is what counts", async () => {
    for (let i = 0; i < 30; i++) {
      await expect(authorize(user.email, "nope", "127.0.0.1", { "x-forwarded-for": `198.51.100.${i}` })).rejects.toThrow();
    }
    await expect(authorize(user.email, password, "127.0.0.1", { "x-forwarded-for": "198.51.100.250" })).rejects.toThrow(
      /Too many failed logins/,
    );
  });

  it(`locks the email for every address after ${EMAIL_BUDGET_FACTOR}× the per-address attempts from many addresses`, async () => {
    const before = await lockouts("email");
    for (let i = 0; i < perEmail; i++) {
      await expect(authorize(user.email, "nope", `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`)).rejects.toThrow("Wrong");
    }
    await expect(authorize(user.email, password, "10.99.0.1")).rejects.toThrow(/Too many failed logins/);
    await expect(authorize(user.email, password, "10.99.0.2")).rejects.toThrow(/Too many failed logins/);
    expect(await lockouts("email")).toBe(before + 1);
    const lines = warn.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith("login locked"));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^login locked: ${user.email} from every address after ${perEmail} failures`)),
    ]);
  });

  it("locks one address after its own budget, counted and logged once", async () => {
    const before = await lockouts("address");
    for (let i = 0; i < env.LOGIN_MAX_ATTEMPTS; i++)
      await expect(authorize(user.email, "nope", "10.30.0.1")).rejects.toThrow("Wrong");
    await expect(authorize(user.email, password, "10.30.0.1")).rejects.toThrow(/Too many failed logins/);
    await expect(authorize(user.email, password, "10.30.0.2")).resolves.toMatchObject({ id: user.id });
    expect(await lockouts("address")).toBe(before + 1);
    const lines = warn.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith("login locked"));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^login locked: ${user.email} from 10\\.30\\.0\\.1 after ${env.LOGIN_MAX_ATTEMPTS} failures, for \\d+ s$`),
      ),
    ]);
  });
});
