import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { ApiTokenScope, Role } from "~/core/roles";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { sharedRedis } from "~/server/queue/redis";
import { apiTokenDigest, isWellFormedApiToken } from "./api-token-format";

/** A request's API token was not accepted: 401 (unknown, revoked, expired, user disabled) or 429. */
export class ApiTokenRefused extends Error {
  constructor(
    readonly status: 401 | 429,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface ApiTokenIdentity {
  tokenId: string;
  prefix: string;
  scopes: ApiTokenScope[];
  expiresAt: Date;
  user: { id: string; email: string; name: string | null; role: Role };
}

/** lastUsedAt is written at most this often per token, so a busy CI job does not write on every request. */
const LAST_USE_RESOLUTION_MS = 30_000;

let limiters: { perToken: RateLimiterRedis; failuresPerAddress: RateLimiterRedis } | undefined;
function apiTokenLimiters() {
  limiters ??= {
    perToken: new RateLimiterRedis({
      storeClient: sharedRedis(),
      keyPrefix: `${env.QUEUE_PREFIX}:api-token`,
      points: env.API_TOKEN_REQUESTS_PER_MINUTE,
      duration: 60,
    }),
    // Guessing a 256-bit secret is hopeless; this bounds the load an unauthenticated client can put
    // on the database with made-up tokens, and makes a misconfigured job visible quickly.
    failuresPerAddress: new RateLimiterRedis({
      storeClient: sharedRedis(),
      keyPrefix: `${env.QUEUE_PREFIX}:api-token-failures`,
      points: env.API_TOKEN_MAX_FAILURES,
      duration: env.LOGIN_WINDOW_SECONDS,
    }),
  };
  return limiters;
}

function tooMany(what: string, res: RateLimiterRes): ApiTokenRefused {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new ApiTokenRefused(429, `${what} Try again in ${seconds} s.`, seconds);
}

async function refuseUnknown(clientAddress: string, message: string): Promise<never> {
  try {
    await apiTokenLimiters().failuresPerAddress.consume(clientAddress);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
  }
  throw new ApiTokenRefused(401, message);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The user and scopes an `Authorization: Bearer mb_…` token stands for, checked on every request
 * against the database (nothing cached), so a revoked or expired token, or a disabled user's, is
 * refused from the next request on. Throws ApiTokenRefused with a message saying why.
 */
export async function authenticateApiToken(secret: string, clientAddress: string): Promise<ApiTokenIdentity> {
  const { perToken, failuresPerAddress } = apiTokenLimiters();
  const failures = await failuresPerAddress.get(clientAddress);
  if (failures && failures.remainingPoints <= 0)
    throw tooMany("Too many requests with invalid API tokens from this address.", failures);
  if (!isWellFormedApiToken(secret)) {
    return refuseUnknown(
      clientAddress,
      "Not a MeshBench API token: expected mb_… as shown when it was created (checksum mismatch).",
    );
  }
  const token = await db.apiToken.findUnique({
    where: { secretHash: apiTokenDigest(secret) },
    select: {
      id: true,
      prefix: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  });
  if (!token) return refuseUnknown(clientAddress, "Unknown API token.");
  const now = new Date();
  if (token.revokedAt) throw new ApiTokenRefused(401, `This API token was revoked on ${day(token.revokedAt)}.`);
  if (token.expiresAt <= now) throw new ApiTokenRefused(401, `This API token expired on ${day(token.expiresAt)}.`);
  if (token.user.disabledAt) throw new ApiTokenRefused(401, "This API token's user is disabled.");
  try {
    await perToken.consume(token.id);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw tooMany(`Rate limit: ${env.API_TOKEN_REQUESTS_PER_MINUTE} requests per minute per API token.`, error);
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  const { disabledAt: _disabledAt, ...user } = token.user;
  return { tokenId: token.id, prefix: token.prefix, scopes: token.scopes, expiresAt: token.expiresAt, user };
}

/**
 * The credential of an `Authorization: Bearer …` header, or null when the request carries none. A
 * malformed value still counts as an attempt (and is refused), never as "no token".
 */
export function bearerTokenOf(headers: Headers): string | null {
  const match = /^Bearer(?:\s+(.*))?$/i.exec((headers.get("authorization") ?? "").trim());
  return match ? (match[1] ?? "").trim() : null;
}
