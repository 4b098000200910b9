/**
 * Error kinds as reported in results (`errors: { kind: count }`). Kinds are stable strings so
 * runs can be compared: a renamed kind would look like a new failure mode.
 */
export const TIMEOUT = "timeout";
export const PROTOCOL = "protocol";
export const CONNECT_REFUSED = "connect_refused";
export const CONNECTION_RESET = "connection_reset";

const httpKinds = new Map<number, string>();

/** `http_<status>` for a response that is not 2xx; cached so an error storm allocates nothing. */
export function httpErrorKind(status: number): string {
  let kind = httpKinds.get(status);
  if (kind === undefined) {
    kind = `http_${status}`;
    httpKinds.set(status, kind);
  }
  return kind;
}

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * A socket error to a kind. Refused/reset get readable names because they are the common ones;
 * a peer closing mid-response (EPIPE, or EOF with no errno) is a reset too: the request was lost
 * the same way. Any other errno is reported as itself, lowercased (e.g. `ehostunreach`).
 */
export function classifyError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? (error as { code: unknown }).code : undefined;
  if (typeof code !== "string" || code.length === 0) return "error";
  switch (code) {
    case "ECONNREFUSED":
      return CONNECT_REFUSED;
    case "ECONNRESET":
    case "EPIPE":
    case "ECONNABORTED":
      return CONNECTION_RESET;
    case "ETIMEDOUT":
      return TIMEOUT;
    default:
      return code.toLowerCase();
  }
}
