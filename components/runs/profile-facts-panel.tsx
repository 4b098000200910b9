import { formatLatencyUs } from "~/core/format/units";
import { FORTIO_TIMING_NOTE, fortioFineRangeUs, fortioResolutionSeconds } from "~/core/fortio-precision";
import { isKubernetesMesh, KUBERNETES_MESH_PROFILES } from "~/core/kubernetes-meshes";
import type { MeshProfile } from "~/core/meshes";
import { describeFacts, profileFacts } from "~/core/profile-facts";
import type { RunSpec } from "~/core/spec";

/** What the run's profile measures (proxying, mTLS, hops) and, on the cluster, how fortio measured it. */
export function ProfileFactsPanel({ mesh, backend, spec }: { mesh: MeshProfile; backend: string; spec: RunSpec | null }) {
  const facts = profileFacts(mesh);
  const cluster = backend === "KUBERNETES";
  const notes = cluster && isKubernetesMesh(mesh) ? KUBERNETES_MESH_PROFILES[mesh].notes : [];
  const resolution = cluster && spec ? fortioResolutionSeconds(spec) : null;
  const fine = resolution === null ? null : fortioFineRangeUs(resolution);
  return (
    <div className="panel" data-testid="profile-facts">
      <h2>What this run measures</h2>
      <dl className="spec">
        <dt>proxying</dt>
        <dd data-testid="facts-summary">{describeFacts(facts)}</dd>
        <dt>request path</dt>
        <dd>{facts.path}</dd>
        {resolution !== null && fine && (
          <>
            <dt>load generator</dt>
            <dd>{FORTIO_TIMING_NOTE}</dd>
            <dt>fortio resolution</dt>
            <dd data-testid="fortio-resolution">
              {formatLatencyUs(resolution * 1e6)} (-r {resolution}): buckets at most 20% wide between{" "}
              {formatLatencyUs(fine.fromUs)} and {formatLatencyUs(fine.toUs)}; each percentile is shown ± its bucket&apos;s width
            </dd>
          </>
        )}
      </dl>
      {notes.length > 0 && (
        <ul className="muted" style={{ fontSize: 12 }}>
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
