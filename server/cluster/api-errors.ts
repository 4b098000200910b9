/** The HTTP status of a failed @kubernetes/client-node call (its ApiException carries `code`), or null. */
export function statusCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : null;
}
