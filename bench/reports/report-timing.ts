import { fmtBytes, fmtMs } from "~/bench/lib/format";
import { median } from "~/bench/lib/stats";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import { loadComparison } from "~/server/reports/comparison";
import { captureEnvironment } from "~/worker/reports/environment";
import { renderReportHtml } from "~/worker/reports/html";
import { printPdf } from "~/worker/reports/pdf";

const SECTION = "4";

/**
 * HTML and PDF report generation for an 8-run comparison, the steps worker/jobs/report.ts takes:
 * loadComparison + captureEnvironment + renderReportHtml (HTML), then printPdf (Chromium). In
 * process, repeated, medians; the first (cold) attempt is reported in the note.
 */
export async function reportRows(runIds: readonly string[], repeats: number): Promise<Row[]> {
  const html: { loadMs: number; envMs: number; renderMs: number; totalMs: number; bytes: number }[] = [];
  const pdf: { ms: number; bytes: number }[] = [];
  let doc = "";
  try {
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const comparison = await loadComparison(runIds);
      const tLoad = performance.now();
      const environment = await captureEnvironment().catch(() => null);
      const t1 = performance.now();
      doc = renderReportHtml({
        title: "MeshBench bench: 8-run comparison",
        generatedAt: new Date(),
        generatedBy: null,
        comparison,
        environment,
      });
      const t2 = performance.now();
      html.push({ loadMs: tLoad - t0, envMs: t1 - tLoad, renderMs: t2 - t1, totalMs: t2 - t0, bytes: Buffer.byteLength(doc) });
    }
  } catch (error) {
    return [errorRow(SECTION, "HTML report generation time, 8-run comparison", error)];
  }
  const htmlMs = median(html.map((h) => h.totalMs));
  const rows: Row[] = [
    measuredRow({
      section: SECTION,
      figure: "HTML report generation time, 8-run comparison (load + environment + render)",
      ours: htmlMs,
      reference: null,
      unit: "ms",
      target: { kind: "none" },
      note: `Median of ${repeats}: loadComparison ${fmtMs(median(html.map((h) => h.loadMs)))}, captureEnvironment ${fmtMs(median(html.map((h) => h.envMs)))}, renderReportHtml ${fmtMs(median(html.map((h) => h.renderMs)))}; ${fmtBytes(html[0]?.bytes)} of HTML; first (cold) ${fmtMs(html[0]?.totalMs)}.`,
    }),
  ];
  try {
    for (let i = 0; i < Math.max(1, Math.ceil(repeats / 2)); i++) {
      const t0 = performance.now();
      const bytes = await printPdf(doc);
      pdf.push({ ms: performance.now() - t0, bytes: bytes.length });
    }
    rows.push(
      measuredRow({
        section: SECTION,
        figure: "PDF report generation time, 8-run comparison (Chromium print of that HTML; ratio = PDF / HTML)",
        ours: median(pdf.map((p) => p.ms)),
        reference: htmlMs,
        unit: "ms",
        target: { kind: "none" },
        note: `Median of ${pdf.length}, each launching Debian's Chromium as the report job does; ${fmtBytes(pdf[0]?.bytes)} PDF.`,
      }),
    );
  } catch (error) {
    rows.push(errorRow(SECTION, "PDF report generation time, 8-run comparison", error));
  }
  return rows;
}
