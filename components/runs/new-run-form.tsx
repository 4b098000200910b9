"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ManifestDryRun } from "~/components/cluster/manifest-dry-run";
import { type BackendKind, type MeshProfile, meshesFor } from "~/core/meshes";
import { PROBE_NAMES, PROBES } from "~/core/probes";
import { describeFacts, profileFacts } from "~/core/profile-facts";
import { runNameSchema, runSpecSchema } from "~/core/spec";
import { RECOMMENDED_REPETITIONS } from "~/core/verdict";
import { errorCode, useTRPC } from "~/trpc/react";

type FieldErrors = Partial<Record<string, string>>;

const DEFAULTS = {
  name: "",
  backend: "LOCAL" as BackendKind,
  mesh: "baseline",
  mode: "fixed-rate",
  rate: "500",
  connections: "8",
  durationSeconds: "10",
  warmupSeconds: "2",
  payloadBytes: "1024",
  /** Run-to-run variation needs repetitions: with one, no difference from another run can be judged. */
  repetitions: String(RECOMMENDED_REPETITIONS),
  /** Comma-separated probe names (a string keeps FormValues uniform). */
  probes: "",
};
type FormValues = typeof DEFAULTS;

const MESHES_HINT: Record<BackendKind, string> = {
  LOCAL: "Proxies run as processes next to the load generator",
  KUBERNETES: "Pods in a namespace of their own, deleted after the run",
};

function toSpecInput(v: FormValues) {
  const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
  return {
    backend: v.backend,
    mesh: v.mesh,
    mode: v.mode,
    rate: v.mode === "max" ? undefined : num(v.rate),
    connections: num(v.connections),
    durationSeconds: num(v.durationSeconds),
    warmupSeconds: num(v.warmupSeconds),
    payloadBytes: num(v.payloadBytes),
    repetitions: num(v.repetitions),
    probes: v.probes ? v.probes.split(",") : [],
  };
}

/** Validates with the same zod schema the server uses, so errors show before a round trip. */
function validate(v: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  const name = runNameSchema.safeParse(v.name);
  if (!name.success) errors.name = name.error.issues[0]?.message;
  const spec = runSpecSchema.safeParse(toSpecInput(v));
  if (!spec.success) {
    for (const issue of spec.error.issues) {
      const key = String(issue.path[0] ?? "form");
      errors[key] ??= issue.message;
    }
  }
  return errors;
}

export function NewRunForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState<FormValues>(DEFAULTS);
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const create = useMutation(trpc.runs.create.mutationOptions());
  const onCluster = values.backend === "KUBERNETES";
  const cluster = useQuery(trpc.cluster.status.queryOptions({ fresh: false }, { enabled: onCluster }));
  const meshState = (mesh: string) =>
    cluster.data?.connected ? cluster.data.meshes.find((m) => m.mesh === mesh)?.state : undefined;
  const errors = touched ? { ...validate(values), ...serverErrors } : serverErrors;
  const clusterSpec = runSpecSchema.safeParse(toSpecInput(values));

  const set = (key: keyof FormValues) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setServerErrors({});
  };

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(validate(values)).length > 0) return;
    try {
      const result = await create.mutateAsync({ name: values.name, spec: runSpecSchema.parse(toSpecInput(values)) });
      router.push(`/runs/${result.id}`);
    } catch (error) {
      const fieldErrors = (error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } }).data?.zodError
        ?.fieldErrors;
      if (fieldErrors) setServerErrors(Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k, v[0]])));
      if (errorCode(error) === "FORBIDDEN") setServerErrors({ form: "Only operators and admins can start runs." });
    }
  }

  const field = (key: keyof FormValues, label: string, props: Record<string, unknown>, hint?: string) => (
    <div className={`field${errors[key] ? " invalid" : ""}`}>
      <label htmlFor={key}>{label}</label>
      <input id={key} name={key} value={values[key]} onChange={set(key)} aria-invalid={Boolean(errors[key])} {...props} />
      {errors[key] ? <span className="error">{errors[key]}</span> : hint && <span className="hint">{hint}</span>}
    </div>
  );

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label="New run">
      {(errors.form || (create.isError && !Object.keys(serverErrors).length)) && (
        <div className="form-error" role="alert">
          {errors.form ?? create.error?.message}
        </div>
      )}
      <div className="form">
        {field("name", "Name", { placeholder: "e.g. nginx pair, 1 KiB, 500 rps" })}
        <div className="field">
          <label htmlFor="backend">Backend</label>
          <select
            id="backend"
            name="backend"
            value={values.backend}
            onChange={(e) => {
              // Baseline exists on both backends; any other profile belongs to one.
              setValues((v) => ({ ...v, backend: e.target.value as BackendKind, mesh: "baseline" }));
              setServerErrors({});
            }}
          >
            <option value="LOCAL">Local (this machine)</option>
            <option value="KUBERNETES">Kubernetes cluster</option>
          </select>
          <span className="hint" data-testid="backend-hint">
            {!onCluster
              ? "Real processes on the worker's machine"
              : cluster.isPending
                ? "Checking the cluster…"
                : cluster.data?.connected
                  ? `Connected: ${cluster.data.server}, ${cluster.data.nodes.length} node(s)`
                  : `Not connected: ${cluster.data?.reason ?? cluster.error?.message ?? "unknown"}`}
          </span>
        </div>
        <div className={`field${errors.mesh ? " invalid" : ""}`}>
          <label htmlFor="mesh">Mesh profile</label>
          <select id="mesh" name="mesh" value={values.mesh} onChange={set("mesh")}>
            {meshesFor(values.backend).map((m) => {
              const state = meshState(m.id);
              return (
                <option key={m.id} value={m.id}>
                  {m.label}
                  {state && state !== "installed" ? ` (${state.replace("-", " ")})` : ""}
                </option>
              );
            })}
          </select>
          {errors.mesh ? (
            <span className="error">{errors.mesh}</span>
          ) : (
            <span className="hint" data-testid="mesh-hint">
              {onCluster ? `Measures: ${describeFacts(profileFacts(values.mesh as MeshProfile))}` : MESHES_HINT[values.backend]}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="mode">Load</label>
          <select id="mode" name="mode" value={values.mode} onChange={set("mode")}>
            <option value="fixed-rate">{onCluster ? "Fixed rate (fortio, paced)" : "Fixed rate (open loop)"}</option>
            <option value="max">Max throughput (closed loop)</option>
          </select>
          <span className="hint">
            {onCluster
              ? "fortio paces each connection (closed loop): not corrected for coordinated omission"
              : "Open loop measures latency without coordinated omission"}
          </span>
        </div>
        {values.mode === "fixed-rate" && field("rate", "Target rate (req/s)", { type: "number", min: 1 })}
        {field("connections", "Connections", { type: "number", min: 1 })}
        {field("durationSeconds", "Duration (s)", { type: "number", min: 1 }, "Measured window, after warm-up")}
        {field("warmupSeconds", "Warm-up (s)", { type: "number", min: 0 }, "Sent but not recorded")}
        {field("payloadBytes", "Response payload (bytes)", { type: "number", min: 0 })}
        {field(
          "repetitions",
          "Repetitions",
          { type: "number", min: 1 },
          `${RECOMMENDED_REPETITIONS} or more: with one, a difference from another run cannot be judged`,
        )}
      </div>
      <fieldset className="probes">
        <legend>eBPF kernel probes (optional)</legend>
        {PROBE_NAMES.map((name) => {
          const selected = values.probes.split(",").filter(Boolean);
          const checked = selected.includes(name);
          return (
            <label key={name} title={PROBES[name].description}>
              <input
                type="checkbox"
                name="probes"
                value={name}
                checked={checked}
                onChange={() => {
                  const next = checked ? selected.filter((p) => p !== name) : [...selected, name];
                  setValues((v) => ({ ...v, probes: next.join(",") }));
                }}
              />{" "}
              {PROBES[name].title}
            </label>
          );
        })}
        <span className="hint">
          {onCluster
            ? "Run as bpftrace Jobs on the client's and the server's node around each measured window; a probe a node cannot run is reported as unavailable, never faked."
            : "Attached to every repetition; a probe this machine cannot run is reported as unavailable, never faked."}
        </span>
      </fieldset>
      {onCluster && clusterSpec.success && <ManifestDryRun input={{ spec: clusterSpec.data }} />}
      <div className="toolbar" style={{ marginTop: 16, marginBottom: 0 }}>
        <button className="btn primary" type="submit" disabled={create.isPending}>
          {create.isPending ? "Starting…" : "Start run"}
        </button>
      </div>
    </form>
  );
}
