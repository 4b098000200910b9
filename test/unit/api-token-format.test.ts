import { describe, expect, it } from "vitest";
import { apiTokenDigest, isWellFormedApiToken, newApiTokenSecret } from "~/server/auth/api-token-format";

describe("API token format", () => {
  it("is mb_ + 43 base62 random characters + a 6-character CRC32, with a display prefix and a SHA-256 digest", () => {
    const { secret, secretHash, prefix } = newApiTokenSecret();
    expect(secret).toMatch(/^mb_[0-9A-Za-z]{49}$/);
    expect(isWellFormedApiToken(secret)).toBe(true);
    expect(prefix).toBe(secret.slice(0, 11));
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash).toBe(apiTokenDigest(secret));
    expect(secretHash).not.toContain(secret.slice(3, 20));
  });

  it("never repeats", () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newApiTokenSecret().secret));
    expect(secrets.size).toBe(1000);
  });

  it("refuses a mistyped, truncated or foreign token by its checksum or shape", () => {
    const { secret } = newApiTokenSecret();
    const i = 10;
    const typo = secret.slice(0, i) + (secret[i] === "a" ? "b" : "a") + secret.slice(i + 1);
    expect(isWellFormedApiToken(typo)).toBe(false);
    expect(isWellFormedApiToken(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedApiToken(`${secret}x`)).toBe(false);
    expect(isWellFormedApiToken(secret.replace("mb_", "gh_"))).toBe(false);
    expect(isWellFormedApiToken("")).toBe(false);
  });
});
