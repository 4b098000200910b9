"use client";

import { formatBytes, formatDate, formatDuration, MISSING } from "~/core/format/units";
import type { RunStatus } from "~/core/run-status";

export interface ReportRow {
  id: string;
  title: string;
  format: "HTML" | "PDF";
  status: RunStatus;
  progress: number;
  error: string | null;
  runIds: string[];
  sizeBytes: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdBy: string | null;
}

/** Reports as table rows with their state and a download link once ready. */
export function ReportRows({
  reports,
  waitingForBenchmark,
  showTitle,
  onDelete,
}: {
  reports: ReportRow[];
  waitingForBenchmark: boolean;
  showTitle: boolean;
  onDelete?: (id: string) => void;
}) {
  return (
    <table className="data" data-testid="reports-table">
      <thead>
        <tr>
          <th>Format</th>
          {showTitle && <th>Title</th>}
          <th>Status</th>
          <th className="num">Size</th>
          <th>Generated</th>
          <th>By</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {reports.map((r) => (
          <tr key={r.id} data-report-id={r.id} data-format={r.format}>
            <td>
              <span className="badge">{r.format}</span>
            </td>
            {showTitle && <td style={{ whiteSpace: "normal" }}>{r.title}</td>}
            <td>
              <span className={`badge ${r.status}`} data-testid="report-status">
                {r.status.toLowerCase()}
              </span>{" "}
              {r.status === "RUNNING" && <span className="muted mono">{r.progress.toFixed(0)} %</span>}
              {r.status === "QUEUED" && waitingForBenchmark && (
                <span className="muted small"> waits for the running benchmark to finish</span>
              )}
              {r.error && <div className="form-error small">{r.error}</div>}
            </td>
            <td className="num">{formatBytes(r.sizeBytes)}</td>
            <td className="muted">
              {formatDate(r.createdAt)}
              {r.finishedAt && r.startedAt ? ` · took ${formatDuration(r.startedAt, r.finishedAt)}` : ""}
            </td>
            <td className="muted">{r.createdBy ?? MISSING}</td>
            <td>
              {r.status === "SUCCEEDED" ? (
                <>
                  <a className="btn" href={`/api/reports/${r.id}`} download data-testid={`download-${r.format}`}>
                    Download {r.format}
                  </a>{" "}
                  <a className="small" href={`/api/reports/${r.id}?disposition=inline`} target="_blank" rel="noopener">
                    open
                  </a>
                </>
              ) : null}
              {onDelete && r.status !== "RUNNING" && (
                <button type="button" className="btn danger" style={{ marginLeft: 8 }} onClick={() => onDelete(r.id)}>
                  Delete
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
