import type { ApiTokenState } from "~/core/api-tokens";

export function TokenStateBadge({ state }: { state: ApiTokenState }) {
  return <span className={`badge ${state === "active" ? "active" : "inactive"}`}>{state}</span>;
}
