import { describe, expect, it } from "vitest";
import { formatCpuList, parseCpuList, parsePinningSetting, placementOf, planPinning } from "~/core/cpu-placement";

describe("CPU placement of a local benchmark", () => {
  it("reads and writes taskset's CPU lists", () => {
    expect(parseCpuList("0-1,4,6-7")).toEqual([0, 1, 4, 6, 7]);
    expect(parseCpuList("3")).toEqual([3]);
    expect(parseCpuList("2-1")).toBeNull();
    expect(parseCpuList("a")).toBeNull();
    expect(formatCpuList([0, 1, 4, 6, 7])).toBe("0-1,4,6-7");
    expect(parsePinningSetting("auto")).toEqual({ kind: "auto" });
    expect(parsePinningSetting("2-3")).toEqual({ kind: "cpus", cpus: [2, 3] });
    expect(parsePinningSetting("all")).toBeNull();
  });

  it("sets the upper half apart on four or more cores, and nothing on two", () => {
    expect(planPinning({ kind: "auto" }, [0, 1])).toBeNull();
    expect(planPinning({ kind: "auto" }, [0, 1, 2, 3])).toEqual({ benchmarkCpus: [2, 3], otherCpus: [0, 1] });
    expect(planPinning({ kind: "auto" }, [0, 1, 2, 3, 4, 5, 6, 7])?.benchmarkCpus).toEqual([4, 5, 6, 7]);
    expect(planPinning({ kind: "off" }, [0, 1, 2, 3])).toBeNull();
  });

  it("pins an explicit list where it can, and never takes every CPU from the rest", () => {
    expect(planPinning({ kind: "cpus", cpus: [1] }, [0, 1])).toEqual({ benchmarkCpus: [1], otherCpus: [0] });
    expect(planPinning({ kind: "cpus", cpus: [0, 1] }, [0, 1])).toBeNull();
    expect(planPinning({ kind: "cpus", cpus: [9] }, [0, 1])).toBeNull();
  });

  it("says on the run why a benchmark was not isolated", () => {
    expect(placementOf({ kind: "auto" }, [0, 1], null)).toMatchObject({
      isolated: false,
      note: "2 cores: benchmark not isolated",
    });
    expect(placementOf({ kind: "off" }, [0, 1, 2, 3], null).note).toContain("LOCAL_CPU_PINNING=off");
    const pinned = placementOf({ kind: "auto" }, [0, 1, 2, 3], {
      plan: { benchmarkCpus: [2, 3], otherCpus: [0, 1] },
      moved: 40,
      notMoved: 3,
    });
    expect(pinned).toMatchObject({ isolated: true, benchmarkCpus: "2-3", otherCpus: "0-1" });
    expect(pinned.note).toContain("40 other processes moved to CPU 0-1");
  });
});
