import { type RunInterference, summarizeInterference } from "~/core/interference";

/**
 * What else used the machine while a local run measured, and where the benchmark ran: a run
 * disturbed by a neighbour says so plainly and names who, so its numbers are not trusted blindly.
 */
export function InterferencePanel({ interference }: { interference: RunInterference | null }) {
  if (!interference) return null;
  const summary = summarizeInterference(interference);
  const measured = interference.windowSeconds > 0;
  return (
    <div className="panel" data-testid="interference-panel">
      <h2>Other activity on the machine</h2>
      {summary.warning && (
        <div className="notice" role="alert" data-testid="interference-warning">
          {summary.warning}
        </div>
      )}
      {measured ? (
        <p className="muted">
          Outside the benchmark: {summary.outsideCores.toFixed(2)} cores
          {summary.stealCores === null ? "" : `, steal ${summary.stealCores.toFixed(2)} cores`}, over{" "}
          {interference.windowSeconds.toFixed(1)} s of measurement.
        </p>
      ) : (
        <p className="muted">No measured window: nothing to account for.</p>
      )}
      {summary.top.length > 0 && (
        <table className="data" data-testid="interference-table">
          <thead>
            <tr>
              <th>process</th>
              <th className="num">cores</th>
              <th className="num">processes</th>
            </tr>
          </thead>
          <tbody>
            {summary.top.map((p) => (
              <tr key={p.comm}>
                <td className="mono">{p.comm}</td>
                <td className="num">{p.cores.toFixed(2)}</td>
                <td className="num">{p.processes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted" style={{ fontSize: 12 }} data-testid="interference-placement">
        Placement: {summary.placement.note}.
      </p>
    </div>
  );
}
