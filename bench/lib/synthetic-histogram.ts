import { createLatencyHistogram, type Histogram, recordLatencyUs } from "~/core/histogram";
import type { Rng } from "./rng";

export interface LatencyShape {
  samples: number;
  /** Median of the log-normal body, µs. */
  medianUs: number;
  /** Log-normal sigma: 0.2 is tight, 1.0 is a wide spread. */
  sigma: number;
  /** Share of samples in a uniform tail up to tailMaxUs (GC pauses, retransmits, stalls). */
  tailFraction: number;
  tailMaxUs: number;
}

/** A latency histogram (µs, MeshBench's HDR parameters) drawn from a log-normal body plus a flat tail. */
export function syntheticLatencyHistogram(rng: Rng, shape: LatencyShape): Histogram {
  const h = createLatencyHistogram();
  for (let i = 0; i < shape.samples; i++) {
    const us =
      rng.next() < shape.tailFraction ? rng.next() * shape.tailMaxUs : shape.medianUs * Math.exp(shape.sigma * rng.normal());
    recordLatencyUs(h, Math.max(1, us));
  }
  return h;
}
