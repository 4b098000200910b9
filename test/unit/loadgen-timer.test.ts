import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { PreciseTimer } from "~/worker/loadgen/precise-timer";

describe("PreciseTimer", () => {
  it("fires once, close to the requested time, and a re-arm replaces the pending one", async () => {
    const fired: number[] = [];
    const timer = new PreciseTimer(() => fired.push(performance.now()));
    try {
      const first = performance.now() + 50;
      timer.arm(first);
      expect(timer.armed).toBe(true);
      const second = performance.now() + 20;
      timer.arm(second); // replaces the 50 ms arm
      await new Promise((r) => setTimeout(r, 120));
      expect(fired).toHaveLength(1);
      expect(timer.armed).toBe(false);
      const late = (fired[0] ?? 0) - second;
      expect(late).toBeGreaterThanOrEqual(0);
      // Generous for a loaded CI machine; typically ~0.1 ms.
      expect(late).toBeLessThan(15);
    } finally {
      timer.close();
    }
  });

  it("does not fire after cancel() or close()", async () => {
    let fired = 0;
    const timer = new PreciseTimer(() => fired++);
    timer.arm(performance.now() + 10);
    timer.cancel();
    expect(timer.armed).toBe(false);
    await new Promise((r) => setTimeout(r, 40));
    timer.arm(performance.now() + 10);
    timer.close();
    await new Promise((r) => setTimeout(r, 40));
    expect(fired).toBe(0);
  });

  it("sleeps in a helper thread, beating libuv's 1 ms timers", async () => {
    let wake: () => void = () => undefined;
    const timer = new PreciseTimer(() => wake());
    const lateness: number[] = [];
    try {
      await new Promise((r) => setTimeout(r, 100)); // let the helper thread start
      for (let i = 0; i < 30; i++) {
        const at = performance.now() + 2.3;
        await new Promise<void>((resolve) => {
          wake = () => {
            lateness.push(performance.now() - at);
            resolve();
          };
          timer.arm(at);
        });
      }
    } finally {
      timer.close();
    }
    lateness.sort((a, b) => a - b);
    // Typically ~0.1 ms late where setTimeout is ~0.5–1 ms late; the bound leaves room for a busy CI box.
    expect(lateness[15] ?? 99).toBeLessThan(1);
  });
});
