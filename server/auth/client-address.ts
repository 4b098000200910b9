import { BlockList, isIP } from "node:net";
import { env } from "~/server/env";
import { peerAddressFrom } from "~/server/http/peer-address";
import { appLog } from "~/server/log";

/** The key used when the socket address is unknown: every such client shares one login budget. */
export const UNKNOWN_ADDRESS = "unknown";

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is the same client as "10.0.0.1". */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

function familyOf(address: string): "ipv4" | "ipv6" | null {
  const family = isIP(address);
  return family === 4 ? "ipv4" : family === 6 ? "ipv6" : null;
}

/** TRUSTED_PROXIES (already validated by server/env.ts) as a matcher. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = familyOf(normalize(address));
    if (!family) continue;
    if (prefix === undefined) list.addAddress(normalize(address), family);
    else list.addSubnet(normalize(address), Number(prefix), family);
  }
  return list;
}

function isTrusted(address: string, proxies: BlockList): boolean {
  const family = familyOf(address);
  return family !== null && proxies.check(address, family);
}

/**
 * The address a request came from. The socket's peer, unless that peer is a trusted proxy: then
 * X-Forwarded-For is walked from the right (each proxy appends the address it saw) and the first
 * hop that is not a trusted proxy is the client. Entries left of it were written by the client
 * and are never used. A hop that is not an address ends the walk at the proxy that passed it on.
 */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, proxies: BlockList): string {
  if (!peer) return UNKNOWN_ADDRESS;
  let client = normalize(peer);
  if (!isTrusted(client, proxies)) return client;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => normalize(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    if (familyOf(hop) === null) return client;
    client = hop;
    if (!isTrusted(hop, proxies)) return hop;
  }
  return client;
}

let configured: BlockList | undefined;
let warnedNoPeer = false;

function headerValue(headers: Headers | Record<string, unknown> | undefined, name: string): string | null {
  if (!headers) return null;
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  if (Array.isArray(value)) return value.join(",");
  return typeof value === "string" ? value : null;
}

/** The client address of a request, from its headers as the app's edge stamped them. */
export function clientAddress(headers: Headers | Record<string, unknown> | undefined): string {
  configured ??= trustedProxyList(env.TRUSTED_PROXIES);
  const peer = peerAddressFrom(headers);
  if (!peer && !warnedNoPeer) {
    warnedNoPeer = true;
    appLog.warn("client address: no socket address on the request (instrumentation.ts not loaded?); logins share one budget");
  }
  return resolveClientAddress(peer, headerValue(headers, "x-forwarded-for"), configured);
}
