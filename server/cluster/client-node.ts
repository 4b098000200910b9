/** Small glue for @kubernetes/client-node, shared by the cluster page, the backend and the node probes. */

/** The HTTP status of a failed @kubernetes/client-node call (its ApiException carries `code`), or null. */
export function statusCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : null;
}

/**
 * Our manifests are typed with kubernetes-models (validated against the OpenAPI schemas in tests);
 * client-node has its own generated types for the same JSON. Same wire shape, different TS types.
 */
export function asBody<T>(manifest: object): T {
  return manifest as T;
}
