import type { RunStatus } from "~/core/run-status";

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`badge ${status}`} data-testid="run-status">
      {status.toLowerCase()}
    </span>
  );
}

export function ProgressBar({ percent }: { percent: number }) {
  return (
    <span className="progress" role="progressbar" aria-valuenow={Math.round(percent)} aria-valuemin={0} aria-valuemax={100}>
      <div style={{ width: `${percent}%` }} />
    </span>
  );
}
