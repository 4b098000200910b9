import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * Next.js hands route handlers and next-auth's authorize() only the request's headers, never its
 * socket, and it copies the socket's address into X-Forwarded-For only when the client sent none.
 * So the address the connection really came from is stamped into this header by a hook on Node's
 * HTTP server, which runs before Next.js sees the request and overwrites whatever a client sent
 * under the same name.
 */
export const PEER_ADDRESS_HEADER = "x-meshbench-peer-address";

const HOOK_INSTALLED = Symbol.for("meshbench.peerAddressHook");
type HookState = { [HOOK_INSTALLED]?: true };

interface RequestStart {
  request: IncomingMessage;
  socket: Socket;
}

function stampPeerAddress(message: unknown): void {
  const { request, socket } = message as RequestStart;
  request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? "";
}

/** Called once per process by instrumentation.ts; later calls do nothing. */
export function installPeerAddressHook(): void {
  const state = globalThis as HookState;
  if (state[HOOK_INSTALLED]) return;
  // Published synchronously for every request before the server emits "request".
  subscribe("http.server.request.start", stampPeerAddress);
  state[HOOK_INSTALLED] = true;
}

/**
 * The socket address stamped by the hook, or null. Without the hook the header could have come
 * from the client, so it is ignored rather than believed.
 */
export function peerAddressFrom(headers: Headers | Record<string, unknown> | undefined): string | null {
  if (!(globalThis as HookState)[HOOK_INSTALLED] || !headers) return null;
  const value = headers instanceof Headers ? headers.get(PEER_ADDRESS_HEADER) : headers[PEER_ADDRESS_HEADER];
  return typeof value === "string" && value !== "" ? value : null;
}
