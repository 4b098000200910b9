import type { NginxFixture } from "./nginx-fixture";
import type { LoadgenPlan } from "./plan";

export interface LoadgenContext {
  fixture: NginxFixture;
  plan: LoadgenPlan;
  /** Where generated wrk Lua scripts go (git-ignored). */
  scriptDir: string;
  log: (message: string) => void;
}

export const SECTION = "1";

/** CPU milliseconds per 1,000 requests. */
export function cpuPer1k(cpuMs: number | null, requests: number): number | null {
  return cpuMs === null || requests <= 0 ? null : cpuMs / (requests / 1000);
}

export function errorSummary(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}
