/** The shareable compare URL: /compare?runs=a,b,c[&baseline=a]. */
export function compareHref(runIds: readonly string[], baselineId?: string | null): string {
  const params = new URLSearchParams({ runs: runIds.join(",") });
  if (baselineId) params.set("baseline", baselineId);
  return `/compare?${params.toString().replaceAll("%2C", ",")}`;
}

/** Run ids from a ?runs= value: comma separated, each a plausible id, no duplicates. */
export function parseRunIds(value: string | string[] | undefined): string[] {
  const raw = Array.isArray(value) ? value.join(",") : (value ?? "");
  return [...new Set(raw.split(",").filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)))];
}
