import { RUN_EXPORT_SCHEMA_PATH, runExportPath, smpExportPath } from "~/core/exports/paths";

/** Every file a finished run can be downloaded as, with what each is for (README "Formats"). */
const ENTRIES: { label: string; href: (id: string) => string; title: string }[] = [
  {
    label: "MeshBench JSON",
    href: (id) => runExportPath(id, "run"),
    title: "Everything, every repetition's full HDR histogram included (JSON Schema at /api/schemas/run-export/v1.json)",
  },
  { label: "HdrHistogram log (.hlog)", href: (id) => runExportPath(id, "hlog"), title: "One exact histogram per repetition" },
  { label: "fortio JSON", href: (id) => runExportPath(id, "fortio"), title: "For tools that read fortio's -json output" },
  { label: "SMP YAML", href: (id) => smpExportPath(id, "yaml"), title: "Service Mesh Performance, as Meshery writes it" },
  { label: "SMP JSON", href: (id) => smpExportPath(id, "json"), title: "Service Mesh Performance, proto3 JSON" },
  {
    label: "Bencher (BMF)",
    href: (id) => runExportPath(id, "bmf"),
    title: "Bencher metric format, for bencher run --adapter json",
  },
  { label: "OpenMetrics", href: (id) => runExportPath(id, "openmetrics"), title: "The summary as OpenMetrics text" },
  { label: "CSV", href: (id) => `/api/reports/export?runs=${encodeURIComponent(id)}&format=csv`, title: "One row of figures" },
];

export function RunExportsMenu({ runId }: { runId: string }) {
  return (
    <details className="menu" data-testid="run-exports">
      <summary className="btn">Export</summary>
      <ul>
        {ENTRIES.map((e) => (
          <li key={e.label}>
            <a href={e.href(runId)} download title={e.title}>
              {e.label}
            </a>
          </li>
        ))}
        <li className="muted small">
          <a href={RUN_EXPORT_SCHEMA_PATH}>JSON Schema of MeshBench JSON</a>
        </li>
      </ul>
    </details>
  );
}
