import type { ImportProvenance } from "./imports/provenance";
import { interferenceDisparity, type RunInterference, summarizeInterference } from "./interference";
import type { BackendKind } from "./meshes";
import { profileFacts } from "./profile-facts";
import { describeServiceTime } from "./service-time";
import type { RunSpec } from "./spec";
import {
  KEY_PERCENTILE_NAMES,
  KEY_PERCENTILES,
  type KeyPercentile,
  MIN_REPETITIONS_FOR_DIFFERENCE,
  MIN_TAIL_SAMPLES,
  RECOMMENDED_REPETITIONS,
} from "./verdict";

/**
 * What a reader of a comparison must know before trusting it, in plain words. Pure: the compare
 * page, the reports and the exports all show the same list.
 */

/** Achieved below this fraction of the requested rate means the system could not keep up. */
export const RATE_SHORTFALL_FRACTION = 0.05;

export type WarningCode =
  | "spec-missing"
  | "differs-rate"
  | "differs-connections"
  | "differs-payload"
  | "differs-duration"
  | "differs-warmup"
  | "differs-load-generator"
  | "differs-backend"
  | "differs-service-time"
  | "differs-interference"
  | "differs-measures"
  | "disturbed"
  | "rate-shortfall"
  | "few-samples"
  | "errors"
  | "single-repetition"
  | "imported"
  | "percentiles-only";

export interface ComparisonWarning {
  code: WarningCode;
  severity: "warning" | "info";
  message: string;
  /** Runs the warning is about (all runs for a difference). */
  runIds: string[];
}

export interface WarningRun {
  id: string;
  name: string;
  backend: BackendKind;
  spec: RunSpec | null;
  repetitions: number;
  /** Mean achieved rate over repetitions, and the worst repetition's. */
  achievedQps: number | null;
  minAchievedQps: number | null;
  requestCount: number;
  errorCount: number;
  errorsByKind: Record<string, number>;
  tailSamples: Record<KeyPercentile, number>;
  interference?: RunInterference | null;
  /** Set for an imported run: its load is what the file said, not a spec. */
  imported?: ImportProvenance | null;
  percentilesOnly?: boolean;
}

/** The load generator a run used, as a reader would name it; an imported run's is the tool that wrote its file. */
export function loadGeneratorOf(backend: BackendKind, spec: RunSpec | null, importedTool?: string | null): string {
  if (importedTool) return `${importedTool} (imported)`;
  if (backend === "KUBERNETES")
    return spec?.mode === "max" ? "fortio (closed loop)" : "fortio (paced closed loop per connection)";
  return `MeshBench built-in (${spec?.mode === "max" ? "closed loop" : "open loop"})`;
}

/** Where a run's latencies are timed from, in a sentence (run page, reports). */
export function latencyTiming(backend: BackendKind, spec: RunSpec | null): string {
  if (spec?.mode === "max") return "each request timed from its send (closed loop: the next one waits for it).";
  if (backend === "KUBERNETES")
    return "fortio is closed loop per connection with pacing: each request is timed from its actual send, a slow answer delays that connection's next sends and -nocatchup skips a missed slot, so the latencies are not corrected for coordinated omission: a stall lowers the achieved rate (flagged) instead of showing in the tail.";
  return "timed from the intended send time when every connection was busy as the request fell due (a stall shows in the tail: no coordinated omission); the generator's own lateness is not counted.";
}

export function describeLoad(spec: RunSpec | null): string {
  if (!spec) return "unknown";
  return spec.mode === "max" ? "max throughput" : `${spec.rate ?? "?"} req/s`;
}

interface Dimension {
  code: WarningCode;
  label: string;
  severity: "warning" | "info";
  value: (run: WarningRun) => string;
  /** An imported run's value, from its file; null when the file does not say (then it is not compared). */
  importedValue: (imported: ImportProvenance) => string | null;
  why: string;
}

const DIMENSIONS: Dimension[] = [
  {
    code: "differs-rate",
    label: "Load",
    severity: "warning",
    value: (r) => describeLoad(r.spec),
    importedValue: (i) => (i.requestedQps === null ? null : `${i.requestedQps} req/s`),
    why: "latency depends on load, so these percentiles were measured under different conditions.",
  },
  {
    code: "differs-connections",
    label: "Connections",
    severity: "warning",
    value: (r) => `${r.spec?.connections ?? "?"} connections`,
    importedValue: (i) => (i.connections === null ? null : `${i.connections} connections`),
    why: "the number of connections changes queueing in every hop.",
  },
  {
    code: "differs-payload",
    label: "Response payload",
    severity: "warning",
    value: (r) => `${r.spec?.payloadBytes ?? "?"} B`,
    importedValue: () => null,
    why: "bigger payloads take longer to copy through every proxy.",
  },
  {
    code: "differs-duration",
    label: "Duration",
    severity: "warning",
    value: (r) => `${r.spec?.durationSeconds ?? "?"} s`,
    importedValue: (i) => (i.durationSeconds === null ? null : `${Math.round(i.durationSeconds)} s`),
    why: "longer runs see more rare events, so their tails are not directly comparable.",
  },
  {
    code: "differs-warmup",
    label: "Warm-up",
    severity: "info",
    value: (r) => `${r.spec?.warmupSeconds ?? "?"} s`,
    importedValue: () => null,
    why: "a short warm-up can leave cold caches and connection set-up in the measurement.",
  },
  {
    code: "differs-load-generator",
    label: "Load generator",
    severity: "warning",
    value: (r) => loadGeneratorOf(r.backend, r.spec, r.imported?.tool),
    importedValue: (i) => loadGeneratorOf("LOCAL", null, i.tool),
    why: "load generators time requests differently (the built-in open loop charges a stall to the requests that waited for it; fortio times from the actual send).",
  },
  {
    code: "differs-backend",
    label: "Backend",
    severity: "warning",
    value: (r) => r.backend.toLowerCase(),
    importedValue: () => null,
    why: "local processes and Kubernetes pods are different environments.",
  },
  {
    // Information only: a what-if run differs from its baseline in exactly this, on purpose.
    code: "differs-service-time",
    label: "Added service time",
    severity: "info",
    value: (r) => describeServiceTime(r.spec?.serviceTime),
    importedValue: () => null,
    why: "the upstream waited longer per response in one run: a slowdown made on purpose, not the mesh's.",
  },
];

function quote(name: string): string {
  return `“${name}”`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Runs through proxies that do different work (L4 vs L7, mTLS or not): their overheads are not the
 * price of the same thing. No-proxy runs (the baseline) are the reference, not a difference.
 */
function meshMeasuresWarning(runs: readonly WarningRun[]): ComparisonWarning | null {
  const proxied = runs.filter((r) => r.spec && profileFacts(r.spec.mesh).proxying !== "none");
  const groups = new Map<string, WarningRun[]>();
  for (const r of proxied) {
    const facts = profileFacts(r.spec?.mesh ?? "baseline");
    const key = `${facts.proxying}, ${facts.mtls === "yes" ? "mTLS" : facts.mtls === "no" ? "no mTLS" : "mutual authentication only"}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  if (groups.size < 2) return null;
  const parts = [...groups.entries()].map(([what, rs]) => `${what} (${rs.map((r) => quote(r.name)).join(", ")})`);
  return {
    code: "differs-measures",
    severity: "warning",
    message: `The meshes do different work: ${parts.join(" vs ")}. An L4 proxy does not parse HTTP and a proxy without mTLS does no encryption, so their costs are not the price of the same thing.`,
    runIds: proxied.map((r) => r.id),
  };
}

/** A run's value of a dimension; null when unknown (an imported file that does not say). */
function dimensionValue(d: Dimension, r: WarningRun): string | null {
  return r.imported ? d.importedValue(r.imported) : d.value(r);
}

/** Spec fields that differ between two runs, by label (e.g. ["Load", "Connections"]); unknown values are not compared. */
export function specDifferences(a: WarningRun, b: WarningRun): string[] {
  return DIMENSIONS.filter((d) => {
    const va = dimensionValue(d, a);
    const vb = dimensionValue(d, b);
    return d.severity === "warning" && va !== null && vb !== null && va !== vb;
  }).map((d) => d.label);
}

/** What an imported run's file could not say, as a sentence. */
function importedUnknowns(r: WarningRun & { imported: ImportProvenance }): string {
  const unknown = DIMENSIONS.filter((d) => d.importedValue(r.imported) === null).map((d) => d.label.toLowerCase());
  const i = r.imported;
  if (!i.countKnown) unknown.push("request count");
  if (!i.errorsKnown) unknown.push("errors");
  return unknown.length > 0 ? ` Its file does not say: ${unknown.join(", ")}.` : "";
}

export function comparisonWarnings(runs: readonly WarningRun[]): ComparisonWarning[] {
  const out: ComparisonWarning[] = [];
  const withSpec = runs.filter((r) => r.spec !== null || r.imported);
  for (const r of runs) {
    if (r.imported) {
      const i = r.imported;
      out.push({
        code: "imported",
        severity: "info",
        message: `${quote(r.name)} was imported from ${i.tool}${i.toolVersion ? ` ${i.toolVersion}` : ""} (${i.fileName}), uploaded by ${i.uploadedBy ?? "a deleted user"}.${importedUnknowns({ ...r, imported: i })}`,
        runIds: [r.id],
      });
      if (r.percentilesOnly)
        out.push({
          code: "percentiles-only",
          severity: "warning",
          message:
            `${quote(r.name)} has percentiles only (its ${i.tool} file kept no histogram): it shows the percentiles the file ` +
            "reported, with no confidence interval, and no difference involving it can be judged (no interval of the difference, no verdict).",
          runIds: [r.id],
        });
      continue;
    }
    if (!r.spec) {
      out.push({
        code: "spec-missing",
        severity: "warning",
        message: `${quote(r.name)} has no valid stored spec: its load, connections and payload are unknown.`,
        runIds: [r.id],
      });
    }
  }

  if (withSpec.length > 1) {
    for (const d of DIMENSIONS) {
      const groups = new Map<string, WarningRun[]>();
      for (const r of withSpec) {
        const value = dimensionValue(d, r);
        if (value !== null) groups.set(value, [...(groups.get(value) ?? []), r]);
      }
      if (groups.size < 2) continue;
      const parts = [...groups.entries()].map(([value, rs]) => `${value} (${rs.map((r) => quote(r.name)).join(", ")})`);
      out.push({
        code: d.code,
        severity: d.severity,
        message: `${d.label} differs: ${parts.join(" vs ")}. ${d.why.charAt(0).toUpperCase()}${d.why.slice(1)}`,
        runIds: withSpec.map((r) => r.id),
      });
    }
  }

  const measures = meshMeasuresWarning(withSpec);
  if (measures) out.push(measures);

  for (const r of runs) {
    const requested = r.imported ? r.imported.requestedQps : r.spec?.mode === "fixed-rate" ? (r.spec.rate ?? null) : null;
    if (requested !== null && r.achievedQps !== null) {
      const worst = r.minAchievedQps ?? r.achievedQps;
      if (worst < requested * (1 - RATE_SHORTFALL_FRACTION)) {
        const shortBy = ((requested - r.achievedQps) / requested) * 100;
        const repetitionNote = r.repetitions > 1 && worst < r.achievedQps ? ` (worst repetition ${worst.toFixed(0)} req/s)` : "";
        out.push({
          code: "rate-shortfall",
          severity: "warning",
          message:
            `${quote(r.name)} achieved ${r.achievedQps.toFixed(0)} req/s of the ${requested} req/s requested ` +
            `(${shortBy.toFixed(1)}% short)${repetitionNote}: the system under test could not keep up, so its latencies ` +
            "include queueing and it did not carry the same load as the others.",
          runIds: [r.id],
        });
      }
    }

    const thin = KEY_PERCENTILE_NAMES.filter((k) => r.requestCount > 0 && r.tailSamples[k] < MIN_TAIL_SAMPLES);
    if (thin.length > 0) {
      const parts = thin.map((k) => `p${KEY_PERCENTILES[k]} rests on ${r.tailSamples[k]} slower request(s)`);
      out.push({
        code: "few-samples",
        severity: "warning",
        message:
          `${quote(r.name)}: ${parts.join(", ")} out of ${formatCount(r.requestCount)} measured; ` +
          `a percentile needs at least ${MIN_TAIL_SAMPLES} requests above it to mean much. Run longer or at a higher rate.`,
        runIds: [r.id],
      });
    }

    if (r.errorCount > 0) {
      const total = r.requestCount + r.errorCount;
      const kinds = Object.entries(r.errorsByKind)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, n]) => `${kind} ${formatCount(n)}`)
        .join(", ");
      out.push({
        code: "errors",
        severity: "warning",
        message:
          `${quote(r.name)}: ${formatCount(r.errorCount)} failed request(s) (${((r.errorCount / total) * 100).toFixed(2)}%` +
          `${kinds ? `: ${kinds}` : ""}). Failed requests are not in its latency figures.`,
        runIds: [r.id],
      });
    }

    const disturbed = r.interference ? summarizeInterference(r.interference) : null;
    if (disturbed?.warning) {
      out.push({
        code: "disturbed",
        severity: "warning",
        message: `${quote(r.name)}: ${disturbed.warning} Where it ran: ${disturbed.placement.note}.`,
        runIds: [r.id],
      });
    }

    if (r.repetitions < MIN_REPETITIONS_FOR_DIFFERENCE && !r.percentilesOnly) {
      // Alone (a run report) this is a note on the run's own intervals; next to other runs it
      // means no difference involving this run can be judged, which a reader must see first.
      const compared = runs.length > 1;
      out.push({
        code: "single-repetition",
        severity: compared ? "warning" : "info",
        message:
          `${quote(r.name)} has a single repetition: its intervals cover the sampling of its requests only, not ` +
          "how much a second run of the same spec would differ, and its throughput has no interval." +
          (compared
            ? " So no difference between it and another run can be judged: no interval of the difference, no verdict. " +
              `Run it with ${RECOMMENDED_REPETITIONS} or more repetitions.`
            : ""),
        runIds: [r.id],
      });
    }
  }

  const disparity = interferenceDisparity(runs.map((r) => ({ name: r.name, interference: r.interference ?? null })));
  if (disparity)
    out.push({ code: "differs-interference", severity: "warning", message: disparity, runIds: runs.map((r) => r.id) });
  return out;
}
