import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "~/server/env";
import { appLog } from "~/server/log";
import { webMetrics } from "~/server/metrics/registry";
import { sharedRedis } from "~/server/queue/redis";

/**
 * Two budgets of failed logins per window. One per email and client address, so one person's typos
 * never lock anyone else out. One per email across all addresses, EMAIL_BUDGET_FACTOR times larger,
 * so an attacker with many addresses still gets only a bounded number of guesses at one account.
 */
export const EMAIL_BUDGET_FACTOR = 4;

type LockScope = "address" | "email";

interface Budget {
  scope: LockScope;
  limiter: RateLimiterRedis;
  key: (email: string, ip: string) => string;
}

let budgets: Budget[] | undefined;
function loginBudgets(): Budget[] {
  budgets ??= [
    {
      scope: "address",
      limiter: new RateLimiterRedis({
        storeClient: sharedRedis(),
        keyPrefix: `${env.QUEUE_PREFIX}:login`,
        points: env.LOGIN_MAX_ATTEMPTS,
        duration: env.LOGIN_WINDOW_SECONDS,
      }),
      key: (email, ip) => `${email.toLowerCase()}|${ip}`,
    },
    {
      scope: "email",
      limiter: new RateLimiterRedis({
        storeClient: sharedRedis(),
        keyPrefix: `${env.QUEUE_PREFIX}:login-email`,
        points: env.LOGIN_MAX_ATTEMPTS * EMAIL_BUDGET_FACTOR,
        duration: env.LOGIN_WINDOW_SECONDS,
      }),
      key: (email) => email.toLowerCase(),
    },
  ];
  return budgets;
}

export class LoginLockedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins. Try again in ${Math.ceil(retryAfterSeconds / 60)} min.`);
  }
}

/** Throws LoginLockedError when this email, from this address or from everywhere, has used up its failed attempts. */
export async function assertLoginAllowed(email: string, ip: string): Promise<void> {
  for (const { limiter, key } of loginBudgets()) {
    const state = await limiter.get(key(email, ip));
    if (state && state.remainingPoints <= 0) throw new LoginLockedError(state.msBeforeNext / 1000);
  }
}

function reportLockout(scope: LockScope, email: string, ip: string, state: RateLimiterRes): void {
  webMetrics().loginLockouts.inc({ scope });
  const where = scope === "email" ? "from every address" : `from ${ip}`;
  appLog.warn(
    `login locked: ${email} ${where} after ${state.consumedPoints} failures, for ${Math.ceil(state.msBeforeNext / 1000)} s`,
  );
}

export async function recordLoginFailure(email: string, ip: string): Promise<void> {
  for (const { scope, limiter, key } of loginBudgets()) {
    let state: RateLimiterRes;
    try {
      state = await limiter.consume(key(email, ip));
    } catch (error) {
      // consume() rejects with RateLimiterRes once points run out: that is the lock, not a fault.
      if (!(error instanceof RateLimiterRes)) throw error;
      state = error;
    }
    // Redis counts atomically, so exactly one failure is the one that uses up the budget.
    if (state.consumedPoints === limiter.points) reportLockout(scope, email, ip, state);
  }
}

/**
 * After a successful login: this address starts afresh. The email's budget across addresses is
 * left to expire, so an owner logging in does not hand a distributed guesser a new allowance.
 */
export async function clearLoginFailures(email: string, ip: string): Promise<void> {
  const [address] = loginBudgets();
  if (address) await address.limiter.delete(address.key(email, ip));
}
