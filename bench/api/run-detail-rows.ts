import { fmtRate } from "~/bench/lib/format";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import type { HttpLoad } from "./http-load";

/** The app may cost at most this many times the bare handler, at the same percentile and load. */
export const BARE_FACTOR_MAX = 2;

export interface RunDetailLoads {
  clients: number;
  app: HttpLoad;
  bare: HttpLoad;
}

const PERCENTILES = [
  { label: "p50", of: (l: HttpLoad) => l.p50Us },
  { label: "p95", of: (l: HttpLoad) => l.p95Us },
] as const;

/** Pure: p50 and p95 of the app's runs.get against the bare handler's, per client count; `note` goes on the first row. */
export function runDetailRows(section: string, loads: readonly RunDetailLoads[], note: string): Row[] {
  return loads.flatMap(({ clients, app, bare }, i) =>
    PERCENTILES.map(({ label, of }, j) => {
      const figure = `runs.get, finished run (stored statistics), ${clients} client${clients > 1 ? "s" : ""}: ${label} vs bare node:http + pg`;
      const ours = of(app);
      const reference = of(bare);
      if (ours === null || reference === null)
        return errorRow(section, figure, new Error(`no ${label}: ${ours === null ? "app" : "bare handler"} answered nothing`));
      const throughput = `${fmtRate(app.rps)} app vs ${fmtRate(bare.rps)} bare`;
      const failed = app.errors + bare.errors;
      return measuredRow({
        section,
        figure,
        ours,
        reference,
        unit: "us",
        target: { kind: "ours-max", max: BARE_FACTOR_MAX * reference },
        targetText: `≤ ${BARE_FACTOR_MAX}× bare`,
        note: `${throughput}${failed > 0 ? `; ${failed} failed requests` : ""}.${i === 0 && j === 0 ? ` ${note}` : ""}`,
      });
    }),
  );
}
