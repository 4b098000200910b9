import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * API tokens look like GitHub's (and Grafana's service-account) tokens: a prefix naming the issuer,
 * a random part, and a CRC32 checksum of the random part, all base62 so a double-click selects the
 * whole token. `mb_` lets secret scanners and people recognise a MeshBench token; the checksum
 * lets both tell a real token from a mistyped or truncated one without asking the server, and lets
 * the server refuse garbage without a database lookup. It is not a secret and proves nothing.
 *
 *   mb_ + 43 base62 characters (32 random bytes, 256 bits) + 6 base62 characters (CRC32)
 */
export const API_TOKEN_PREFIX = "mb_";
const RANDOM_BYTES = 32;
/** ceil(256 / log2(62)): every 32-byte value fits, so the random part has one length. */
const RANDOM_CHARS = 43;
/** ceil(32 / log2(62)) for a CRC32. */
const CHECKSUM_CHARS = 6;
/** How much of a token lists show: the prefix and 8 random characters, 48 bits, not enough to guess the rest. */
const DISPLAY_CHARS = API_TOKEN_PREFIX.length + 8;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_SHAPE = new RegExp(`^${API_TOKEN_PREFIX}([0-9A-Za-z]{${RANDOM_CHARS}})([0-9A-Za-z]{${CHECKSUM_CHARS}})$`);

function base62(value: bigint, width: number): string {
  let text = "";
  let rest = value;
  while (rest > 0n) {
    text = BASE62[Number(rest % 62n)] + text;
    rest /= 62n;
  }
  return text.padStart(width, "0");
}

function checksumOf(randomPart: string): string {
  return base62(BigInt(crc32(randomPart)), CHECKSUM_CHARS);
}

/** A new token: the secret to hand out once, its digest to store, and its display prefix. */
export function newApiTokenSecret(): { secret: string; secretHash: string; prefix: string } {
  const randomPart = base62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString("hex")}`), RANDOM_CHARS);
  const secret = `${API_TOKEN_PREFIX}${randomPart}${checksumOf(randomPart)}`;
  return { secret, secretHash: apiTokenDigest(secret), prefix: secret.slice(0, DISPLAY_CHARS) };
}

/** Whether the text has a token's shape and a matching checksum (a typo or truncation fails). */
export function isWellFormedApiToken(text: string): boolean {
  const match = TOKEN_SHAPE.exec(text);
  return match !== null && checksumOf(match[1] ?? "") === match[2];
}

/**
 * SHA-256, hex. A slow password hash is not needed: the secret carries 256 random bits, so its
 * digest cannot be reversed by guessing, and a fast digest lets every request be checked with one
 * indexed lookup.
 */
export function apiTokenDigest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
