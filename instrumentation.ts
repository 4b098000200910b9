/**
 * Runs once when the server starts, before it answers a request. The web edge needs each
 * request's socket address, which Next.js does not pass on (see server/http/peer-address.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installPeerAddressHook } = await import("./server/http/peer-address");
  installPeerAddressHook();
}
