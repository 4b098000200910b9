import { SERVICE_TIME_CAP_MS, type ServiceTime } from "./service-time";
import { type Rng, sampleNormal } from "./stats";

/** A function drawing one delay in ms per call, within [0, SERVICE_TIME_CAP_MS]. */
export function serviceTimeSampler(t: ServiceTime, rng: Rng): () => number {
  const capped = (v: number) => Math.min(SERVICE_TIME_CAP_MS, Math.max(0, v));
  switch (t.distribution) {
    case "fixed":
      return () => t.ms;
    case "uniform":
      return () => t.minMs + (t.maxMs - t.minMs) * rng();
    case "exponential":
      // Inverse CDF; 1 - u keeps the logarithm finite.
      return () => capped(-t.meanMs * Math.log(1 - rng()));
    case "lognormal":
      return () => capped(t.medianMs * Math.exp(t.sigma * sampleNormal(rng)));
  }
}
