import { createLatencyHistogram, type Histogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { Connection } from "~/worker/loadgen/connection";
import { OpenLoopDriver } from "~/worker/loadgen/open-loop";

/**
 * Diagnosis of the open loop, from outside the product code: wraps OpenLoopDriver's response
 * handler to split every measured latency into
 *  - send lateness: actual send − intended time (our pacing timer, our event loop, and any wait
 *    for a busy connection),
 *  - service time: response − actual send (what wrk measures),
 *  - charged wait: actual send − the time the product charges from, i.e. the part of the wait
 *    before the send that counts as the server's backpressure (0 for most requests).
 * The product's own latency figure is computed unchanged by the wrapped original.
 */
export interface LatencySplit {
  lateness: Histogram;
  service: Histogram;
  chargedWait: Histogram;
  /** Measured requests charged any wait before their send. */
  charged: number;
}

export interface LatencySplitSummary {
  latenessP50Us: number;
  latenessP99Us: number;
  serviceP50Us: number;
  serviceP99Us: number;
  chargedWaitP99Us: number;
  /** Share of measured requests charged any wait before their send. */
  chargedShare: number;
}

export function installLatencySplit(): LatencySplit {
  const split: LatencySplit = {
    lateness: createLatencyHistogram(),
    service: createLatencyHistogram(),
    chargedWait: createLatencyHistogram(),
    charged: 0,
  };
  const proto = OpenLoopDriver.prototype;
  const onResponse = proto.onResponse;
  proto.onResponse = function (this: OpenLoopDriver, conn: Connection, status: number, bytes: number): void {
    const now = performance.now();
    if (conn.measured) {
      recordLatencyUs(split.lateness, (conn.sentMs - conn.intendedMs) * 1000);
      recordLatencyUs(split.service, (now - conn.sentMs) * 1000);
      recordLatencyUs(split.chargedWait, (conn.sentMs - conn.timedFromMs) * 1000);
      if (conn.sentMs > conn.timedFromMs) split.charged++;
    }
    onResponse.call(this, conn, status, bytes);
  };
  return split;
}

export function summarizeSplit(split: LatencySplit): LatencySplitSummary | null {
  const l = summarize(split.lateness);
  const s = summarize(split.service);
  const c = split.chargedWait;
  if (!l || !s || c.totalCount === 0) return null;
  return {
    latenessP50Us: l.p50Us,
    latenessP99Us: l.p99Us,
    serviceP50Us: s.p50Us,
    serviceP99Us: s.p99Us,
    chargedWaitP99Us: c.getValueAtPercentile(99),
    chargedShare: split.charged / c.totalCount,
  };
}
