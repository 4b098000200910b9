/**
 * The largest request body the app accepts. Its API takes small JSON (run specs, ids, filters) and
 * login forms; anything bigger is refused before it is held in memory.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Whether the body declares (Content-Length) more than the app accepts. */
export function declaredBodyTooLarge(headers: Headers): boolean {
  const length = headers.get("content-length");
  return length !== null && Number(length) > MAX_REQUEST_BODY_BYTES;
}

export function payloadTooLarge(): Response {
  return Response.json(
    { error: `Request body too large: the limit is ${MAX_REQUEST_BODY_BYTES} bytes.` },
    { status: 413, headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * The whole body, or null as soon as it passes the limit. Chunked bodies declare no length, so
 * the bytes are counted as they arrive and reading stops (the stream is cancelled) at the limit.
 */
export async function readBodyWithinLimit(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_REQUEST_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
