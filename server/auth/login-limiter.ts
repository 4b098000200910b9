import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "~/server/env";
import { sharedRedis } from "~/server/queue/redis";

let limiter: RateLimiterRedis | undefined;
function loginLimiter(): RateLimiterRedis {
  limiter ??= new RateLimiterRedis({
    storeClient: sharedRedis(),
    keyPrefix: `${env.QUEUE_PREFIX}:login`,
    points: env.LOGIN_MAX_ATTEMPTS,
    duration: env.LOGIN_WINDOW_SECONDS,
  });
  return limiter;
}

export class LoginLockedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins. Try again in ${Math.ceil(retryAfterSeconds / 60)} min.`);
  }
}

function keyFor(email: string, ip: string): string {
  return `${email.toLowerCase()}|${ip}`;
}

/** Throws LoginLockedError when this email+IP has used up its failed attempts. */
export async function assertLoginAllowed(email: string, ip: string): Promise<void> {
  const state = await loginLimiter().get(keyFor(email, ip));
  if (state && state.remainingPoints <= 0) throw new LoginLockedError(state.msBeforeNext / 1000);
}

export async function recordLoginFailure(email: string, ip: string): Promise<void> {
  try {
    await loginLimiter().consume(keyFor(email, ip));
  } catch (error) {
    // consume() rejects with RateLimiterRes once points run out: that is the lock, not a fault.
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}

export async function clearLoginFailures(email: string, ip: string): Promise<void> {
  await loginLimiter().delete(keyFor(email, ip));
}
