import { describe, expect, it } from "vitest";
import { firstIndexAtOrAfter, measuredRange, OpenLoopSchedule } from "~/worker/loadgen/schedule";

describe("OpenLoopSchedule", () => {
  it("intends request i at start + i/rate", () => {
    const s = new OpenLoopSchedule(1_000, 250, 100);
    expect(s.intendedAt(0)).toBe(1_000);
    expect(s.intendedAt(1)).toBe(1_004);
    expect(s.intendedAt(250)).toBe(2_000);
  });

  it("counts due requests exactly at and between intended times", () => {
    const s = new OpenLoopSchedule(0, 300, 10_000);
    expect(s.dueCount(-1)).toBe(0);
    expect(s.dueCount(0)).toBe(1);
    expect(s.dueCount(3.33)).toBe(1);
    expect(s.dueCount(1000 / 300)).toBe(2);
    expect(s.dueCount(999.99)).toBe(300);
    expect(s.dueCount(1_000)).toBe(301);
    expect(s.dueCount(1e9)).toBe(10_000);
  });

  it("keeps the target rate over any window, for awkward rates too", () => {
    for (const rate of [1, 7, 300, 333, 1_000, 12_345, 99_999]) {
      const s = new OpenLoopSchedule(5_000.123, rate, Number.MAX_SAFE_INTEGER);
      for (const seconds of [1, 3, 10, 60]) {
        const n = s.dueCount(5_000.123 + seconds * 1_000 - 1e-6) - s.dueCount(5_000.123 - 1e-6);
        expect(Math.abs(n - rate * seconds)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("hands out due requests in FIFO order and nothing early", () => {
    const s = new OpenLoopSchedule(0, 100, 5);
    expect(s.take(0)).toBe(0);
    expect(s.take(5)).toBe(-1);
    expect(s.msUntilNext(5)).toBeCloseTo(5);
    expect(s.queued(35)).toBe(3);
    expect([s.take(35), s.take(35), s.take(35), s.take(35)]).toEqual([1, 2, 3, -1]);
    expect(s.take(1_000)).toBe(4);
    expect(s.done()).toBe(true);
    expect(s.take(2_000)).toBe(-1);
    expect(s.msUntilNext(2_000)).toBe(Infinity);
  });

  it("rejects a non-positive rate", () => {
    expect(() => new OpenLoopSchedule(0, 0, 1)).toThrow(RangeError);
  });
});

describe("measuredRange", () => {
  it("puts exactly rate × duration requests in the window", () => {
    expect(measuredRange(300, 1_000, 3_000)).toEqual({ first: 300, end: 1_200 });
    expect(measuredRange(300, 0, 3_000)).toEqual({ first: 0, end: 900 });
    const r = measuredRange(7, 2_000, 10_000);
    expect(r.end - r.first).toBe(70);
    const odd = measuredRange(333.3, 1_500, 2_500);
    expect(Math.abs(odd.end - odd.first - 833.25)).toBeLessThanOrEqual(1);
  });

  it("starts at the first request intended at or after the offset", () => {
    expect(firstIndexAtOrAfter(3, 1_000)).toBe(3);
    expect(firstIndexAtOrAfter(3, 1_001)).toBe(4);
    expect(firstIndexAtOrAfter(3, 0)).toBe(0);
  });
});

/**
 * A fake-clock simulation of the open loop with one connection and a server that answers in
 * 1 ms, except that it stalls for 500 ms once. Driving the real schedule the way the sender does
 * (dispatch due requests when the connection frees, latency = completion − intended), the stall is
 * charged to every request that arrived during it, as a user would have felt it. Timing from the
 * actual send (coordinated omission) would hide all but one of them.
 */
describe("intended-time latency under a stall", () => {
  function simulate(): { fromIntended: number[]; fromSend: number[] } {
    const rate = 100; // one every 10 ms
    const service = 1;
    const stallAt = 200;
    const stallMs = 500;
    const schedule = new OpenLoopSchedule(0, rate, 100); // 1 s of requests
    const fromIntended: number[] = [];
    const fromSend: number[] = [];
    let now = 0;
    let stalled = false;
    while (!schedule.done()) {
      const index = schedule.take(now);
      if (index < 0) {
        now = schedule.intendedAt(schedule.nextIndex); // idle until the next arrival
        continue;
      }
      const sentAt = now;
      let done = sentAt + service;
      if (!stalled && sentAt >= stallAt) {
        stalled = true;
        done += stallMs;
      }
      fromIntended.push(done - schedule.intendedAt(index));
      fromSend.push(done - sentAt);
      now = done; // the only connection is busy until then
    }
    return { fromIntended, fromSend };
  }

  it("charges the queueing delay to every request that arrived during the stall", () => {
    const { fromIntended, fromSend } = simulate();
    expect(fromIntended).toHaveLength(100);
    // Requests 20..70 arrived during the stall: latencies 501, ~491, ~481, ... all well above service time.
    const slow = fromIntended.filter((l) => l > 10);
    expect(slow.length).toBeGreaterThanOrEqual(49);
    expect(Math.max(...fromIntended)).toBeCloseTo(501, 5);
    expect(fromIntended[21]).toBeCloseTo(492, 5); // intended at 210, sent at 701 when the stall ended
    // Measured from the send, only the one request that hit the stall looks slow.
    expect(fromSend.filter((l) => l > 10)).toHaveLength(1);
    // After the backlog drains, latency returns to the service time.
    expect(fromIntended.at(-1)).toBeCloseTo(1, 5);
  });
});
