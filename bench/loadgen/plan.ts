/** How long and how often the load-generator bench measures; --quick shrinks everything to ~1/5. */
export interface LoadgenPlan {
  connections: number;
  warmupMs: number;
  /** Max throughput: ours, wrk -t1, wrk -t2, interleaved this many times (medians reported). */
  maxRounds: number;
  maxSeconds: number;
  /** Fixed rates for rate accuracy and latency agreement, with the measured seconds at each. */
  rates: { rate: number; seconds: number }[];
  /** wrk paced at the same rates, for latency agreement. */
  wrkPacedSeconds: number;
  /**
   * Latency agreement rounds per rate (medians reported): round 1 is the rate-accuracy run, later
   * rounds are extra runs of ours of this many seconds, alternating which of ours and wrk goes first.
   */
  latencyRounds: number;
  latencyRoundSeconds: number;
  /** Coordinated omission demo. */
  coRate: number;
  coSeconds: number;
  stallMs: number;
}

export function loadgenPlan(quick: boolean): LoadgenPlan {
  if (quick) {
    return {
      connections: 16,
      warmupMs: 500,
      maxRounds: 1,
      maxSeconds: 3,
      rates: [
        { rate: 500, seconds: 3 },
        { rate: 2000, seconds: 3 },
        { rate: 8000, seconds: 3 },
      ],
      wrkPacedSeconds: 3,
      latencyRounds: 1,
      latencyRoundSeconds: 3,
      coRate: 2000,
      coSeconds: 3,
      stallMs: 1000,
    };
  }
  return {
    connections: 16,
    warmupMs: 1000,
    maxRounds: 3,
    maxSeconds: 5,
    // The 2,000 rps run lasts 60 s: more seconds for the spread, and the real "60 s run" of section 3.
    rates: [
      { rate: 500, seconds: 10 },
      { rate: 2000, seconds: 60 },
      { rate: 8000, seconds: 10 },
    ],
    wrkPacedSeconds: 10,
    latencyRounds: 3,
    latencyRoundSeconds: 10,
    coRate: 2000,
    coSeconds: 10,
    stallMs: 1000,
  };
}

/** wrk's per-connection mean delay (ms, in halves) so that `connections` paced connections make ≈ `rate`. */
export function pacedDelayMs(connections: number, rate: number): number {
  return Math.max(0.5, Math.round((connections * 1000 * 2) / rate) / 2);
}

/**
 * Connections for wrk paced at `rate`: enough that each waits ≥ 4 ms between requests, so the
 * 1 ms granularity of its delay() and the response time shorten the pace by little.
 */
export function pacedConnections(minimum: number, rate: number): number {
  return Math.max(minimum, Math.ceil((rate * 4) / 1000));
}
