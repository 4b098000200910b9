import { createLatencyHistogram, type Histogram, recordLatencyUs, summarize } from "~/server/domain/histogram";
import type { Connection } from "~/worker/loadgen/connection";
import { OpenLoopDriver } from "~/worker/loadgen/open-loop";

/**
 * Diagnosis of the open loop, from outside the product code: wraps OpenLoopDriver's response
 * handler (and the internal release() that hands a queued request to a connection that just
 * freed up) to split every measured latency into
 *  - send lateness: actual send − intended time (our pacing timer and dispatch),
 *  - service time: response − actual send (what wrk measures),
 *  - server-attributable: from the intended time when the request had to wait for a busy
 *    connection (the server's backpressure, no coordinated omission), from the actual send when
 *    an idle connection only waited for our timer (our lateness, not the server's).
 * The product's own latency figure is computed unchanged by the wrapped original.
 */
export interface LatencySplit {
  lateness: Histogram;
  service: Histogram;
  attributable: Histogram;
}

export interface LatencySplitSummary {
  latenessP50Us: number;
  latenessP99Us: number;
  serviceP50Us: number;
  serviceP99Us: number;
  attributableP50Us: number;
  attributableP99Us: number;
}

type Release = (this: OpenLoopDriver, conn: Connection, now: number) => void;

export function installLatencySplit(): LatencySplit {
  const split: LatencySplit = {
    lateness: createLatencyHistogram(),
    service: createLatencyHistogram(),
    attributable: createLatencyHistogram(),
  };
  const proto = OpenLoopDriver.prototype;
  const internals = proto as unknown as { release: Release };
  const queued = new WeakSet<Connection>();
  const release = internals.release;
  internals.release = function (this: OpenLoopDriver, conn: Connection, now: number): void {
    release.call(this, conn, now);
    if (conn.busy) queued.add(conn);
  };
  const onResponse = proto.onResponse;
  proto.onResponse = function (this: OpenLoopDriver, conn: Connection, status: number, bytes: number): void {
    const now = performance.now();
    if (conn.measured) {
      recordLatencyUs(split.lateness, (conn.sentMs - conn.intendedMs) * 1000);
      recordLatencyUs(split.service, (now - conn.sentMs) * 1000);
      recordLatencyUs(split.attributable, (now - (queued.has(conn) ? conn.intendedMs : conn.sentMs)) * 1000);
    }
    queued.delete(conn);
    onResponse.call(this, conn, status, bytes);
  };
  return split;
}

export function summarizeSplit(split: LatencySplit): LatencySplitSummary | null {
  const l = summarize(split.lateness);
  const s = summarize(split.service);
  const a = summarize(split.attributable);
  if (!l || !s || !a) return null;
  return {
    latenessP50Us: l.p50Us,
    latenessP99Us: l.p99Us,
    serviceP50Us: s.p50Us,
    serviceP99Us: s.p99Us,
    attributableP50Us: a.p50Us,
    attributableP99Us: a.p99Us,
  };
}
