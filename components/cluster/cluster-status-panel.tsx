"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { formatBytes, formatDate } from "~/core/format/units";
import type { MeshInstallState } from "~/core/mesh-detection";
import { useTRPC } from "~/trpc/react";

const STATE_LABEL: Record<MeshInstallState, { text: string; badge: string }> = {
  installed: { text: "installed", badge: "SUCCEEDED" },
  "not-ready": { text: "not ready", badge: "CANCELLED" },
  "not-installed": { text: "not installed", badge: "QUEUED" },
};

/** cluster.status: connection, nodes and detected meshes, with a refresh that skips the server's cache. */
export function ClusterStatusPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.cluster.status.queryOptions({ fresh: false }));
  const refresh = async () => {
    const fresh = await queryClient.fetchQuery(trpc.cluster.status.queryOptions({ fresh: true }));
    queryClient.setQueryData(trpc.cluster.status.queryKey({ fresh: false }), fresh);
  };

  if (status.isPending) return <p className="muted">Connecting to the cluster…</p>;
  if (status.isError)
    return (
      <div className="form-error" role="alert">
        Could not read the cluster status: {status.error.message}
      </div>
    );
  const data = status.data;
  const toolbar = (
    <div className="toolbar">
      <button type="button" className="btn" onClick={() => void refresh()} disabled={status.isFetching}>
        {status.isFetching ? "Checking…" : "Check again"}
      </button>
      <span className="muted">checked {formatDate(data.checkedAt)}</span>
    </div>
  );
  if (!data.connected)
    return (
      <>
        <div className="notice" role="status" data-testid="cluster-not-connected">
          Not connected: {data.reason}
        </div>
        {toolbar}
        <p className="muted">
          Kubernetes runs need a cluster; the local backend works without one. See the README, &ldquo;Benchmarking on a Kubernetes
          cluster&rdquo;.
        </p>
      </>
    );

  return (
    <>
      <div className="panel" data-testid="cluster-connected">
        <h2>Connected</h2>
        <p>
          <code>{data.server}</code> · Kubernetes {data.version.gitVersion} ({data.version.platform}) · {data.nodes.length} node
          {data.nodes.length === 1 ? "" : "s"}
        </p>
        {data.nodes.length < 2 && (
          <p className="notice">
            One node: client and server pods share it, so the figures include their competition for its CPU.
          </p>
        )}
      </div>
      {toolbar}
      <div className="panel">
        <h2>Nodes</h2>
        <table className="data">
          <thead>
            <tr>
              <th>Name</th>
              <th>Ready</th>
              <th className="num">CPU</th>
              <th className="num">Memory</th>
              <th>Kernel</th>
              <th>OS / kubelet</th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((n) => (
              <tr key={n.name}>
                <td>
                  {n.name}
                  {n.roles.length > 0 && <span className="muted"> ({n.roles.join(", ")})</span>}
                </td>
                <td>
                  {n.ready ? "ready" : "not ready"}
                  {!n.schedulable && <span className="muted"> · cordoned</span>}
                </td>
                <td className="num">{n.cpuCores ?? "—"}</td>
                <td className="num">{formatBytes(n.memoryBytes)}</td>
                <td>{n.kernelVersion || "—"}</td>
                <td>
                  {n.osImage || "—"} <span className="muted">{n.kubeletVersion}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel">
        <h2>Meshes</h2>
        <table className="data">
          <thead>
            <tr>
              <th>Profile</th>
              <th>State</th>
              <th>Version</th>
              <th>Components</th>
            </tr>
          </thead>
          <tbody>
            {data.meshes.map((m) => (
              <tr key={m.mesh} data-testid={`mesh-${m.mesh}`}>
                <td>
                  {m.label}
                  {m.displayName !== m.label && <div className="muted">{m.displayName}</div>}
                </td>
                <td className="prose">
                  <span className={`badge ${STATE_LABEL[m.state].badge}`}>{STATE_LABEL[m.state].text}</span>
                  {m.problems.length > 0 && <div className="muted">{m.problems.join("; ")}</div>}
                </td>
                <td>{m.version ?? "—"}</td>
                <td>
                  {m.components.map((c) => (
                    <div key={`${c.kind}/${c.namespace}/${c.name}`}>
                      {c.kind} {c.namespace}/{c.name} <span className="muted">{c.ready} ready</span>
                    </div>
                  ))}
                  {m.components.length === 0 && <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
