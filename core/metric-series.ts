/** The shape of a chart over time, as the server answers it and the charts draw it. */
export type MetricUnit = "seconds" | "requests/s" | "errors/s" | "cores" | "bytes" | "per-second" | "microseconds";

export interface ChartSeries {
  name: string;
  /** [unix seconds, value | null] */
  points: [number, number | null][];
}
