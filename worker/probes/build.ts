import type { ProbeName, ProbeScope } from "~/core/probes";
import { PROBE_DEFINITIONS } from "./catalog";
import { renderProgram } from "./program";
import { resolveScope } from "./scope";
import type { ProbeScopeInput } from "./types";

export interface BuiltProgram {
  probe: ProbeName;
  program: string;
  /** Extra environment for bpftrace (map sizes). */
  env: Record<string, string>;
  scope: ProbeScope;
  warnings: string[];
}

export interface BuildOptions extends ProbeScopeInput {
  intervalSeconds?: number;
  maxSeconds?: number;
}

/** The complete bpftrace program for a probe and scope; pure, shared by the runner and Kubernetes. */
export function buildProbeProgram(
  probe: ProbeName,
  options: BuildOptions = {},
): { ok: true; built: BuiltProgram } | { ok: false; error: string } {
  const definition = PROBE_DEFINITIONS[probe];
  const resolved = resolveScope(definition.meta, options);
  if (!resolved.ok) return resolved;
  const intervalSeconds = options.intervalSeconds ?? 1;
  try {
    const parts = definition.program(resolved.scope);
    const program = renderProgram(parts, { intervalSeconds, maxSeconds: options.maxSeconds });
    const env: Record<string, string> = parts.mapKeysMax ? { BPFTRACE_MAP_KEYS_MAX: String(parts.mapKeysMax) } : {};
    return { ok: true, built: { probe, program, env, scope: resolved.scope, warnings: resolved.warnings } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
