import { formatDate, formatLatencyUs, formatRate, MISSING } from "~/core/format/units";
import { type ImportProvenance, PERCENTILES_ONLY_NOTE } from "~/core/imports/provenance";
import { IMPORT_FORMAT_LABELS } from "~/core/imports/types";

/** A small tag next to a run's name wherever it is listed: where it came from, and its limit. */
export function ImportedTag({ imported }: { imported: ImportProvenance | null | undefined }) {
  if (!imported) return null;
  return (
    <span
      className="badge"
      data-testid="imported-tag"
      title={`imported from ${imported.tool} (${imported.fileName}) by ${imported.uploadedBy ?? MISSING}`}
    >
      imported: {imported.tool}
      {imported.latencyData === "percentiles-only" ? " · percentiles only" : ""}
    </span>
  );
}

/** The run page's account of an imported run: tool, file, who uploaded it, and what the file could not say. */
export function ImportProvenancePanel({ imported }: { imported: ImportProvenance }) {
  const resolution = imported.bucketResolution;
  return (
    <div className="panel" data-testid="import-provenance">
      <h2>Imported run</h2>
      <dl className="spec">
        <dt>Format</dt>
        <dd>{IMPORT_FORMAT_LABELS[imported.format]}</dd>
        <dt>Tool</dt>
        <dd>
          {imported.tool}
          {imported.toolVersion ? ` ${imported.toolVersion}` : " (version not in the file)"}
        </dd>
        <dt>File</dt>
        <dd className="mono">{imported.fileName}</dd>
        <dt>Uploaded</dt>
        <dd>
          {formatDate(new Date(imported.uploadedAt))} by {imported.uploadedBy ?? MISSING}
        </dd>
        <dt>Latency data</dt>
        <dd data-testid="import-latency-data">
          {imported.latencyData === "histogram"
            ? `full histogram${imported.intervals !== null ? ` (${imported.intervals} intervals)` : ""}`
            : PERCENTILES_ONLY_NOTE}
        </dd>
        <dt>Requested rate</dt>
        <dd>{imported.requestedQps === null ? "not in the file" : formatRate(imported.requestedQps)}</dd>
        <dt>Connections</dt>
        <dd>{imported.connections ?? "not in the file"}</dd>
        <dt>Duration</dt>
        <dd>{imported.durationSeconds === null ? MISSING : `${imported.durationSeconds.toFixed(1)} s`}</dd>
        {resolution && (
          <>
            <dt>Bucket at p50</dt>
            <dd>
              {formatLatencyUs(resolution.bucketWidthAtP50Us)} wide, {(resolution.relativeToP50 * 100).toFixed(1)}% of p50
            </dd>
          </>
        )}
      </dl>
      {imported.warnings.length > 0 && (
        <ul className="warnings" data-testid="import-warnings">
          {imported.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
