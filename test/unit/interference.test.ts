import { describe, expect, it } from "vitest";
import {
  addInterference,
  interferenceDisparity,
  type RunInterference,
  summarizeInterference,
  unpinnedPlacement,
} from "~/core/interference";
import {
  interferenceBetween,
  type MachineSnapshot,
  parseStealTicks,
  type ScannedProcess,
} from "~/worker/backends/local/interference-monitor";

const snapshot = (processes: ScannedProcess[], stealTicks: number | null): MachineSnapshot => ({
  processes: new Map(processes.map((p) => [`${p.pid}:${p.startTime}`, p])),
  stealTicks,
});
const proc = (pid: number, ppid: number, comm: string, cpuTicks: number, startTime = 1): ScannedProcess => ({
  pid,
  ppid,
  comm,
  cpuTicks,
  startTime,
});

describe("interferenceBetween", () => {
  const WORKER = 100;
  it("counts every process outside the worker and its descendants, by name", () => {
    const before = snapshot(
      [proc(WORKER, 1, "node", 1000), proc(101, WORKER, "nginx", 50), proc(102, 101, "nginx", 10), proc(200, 1, "postgres", 30)],
      500,
    );
    const after = snapshot(
      [
        proc(WORKER, 1, "node", 2000),
        proc(101, WORKER, "nginx", 150),
        proc(102, 101, "nginx", 210),
        proc(200, 1, "postgres", 130),
        proc(201, 1, "postgres", 20, 9),
        // Same pid as a process seen before, but a new start time: born inside the window.
        proc(300, 1, "prometheus", 40, 7),
      ],
      600,
    );
    const out = interferenceBetween(
      { ...before, processes: new Map([...before.processes, ["300:2", proc(300, 1, "old", 999, 2)]]) },
      after,
      2,
      WORKER,
      100,
      2,
    );
    expect(out.byName).toEqual([
      { comm: "postgres", cpuSeconds: 1.2, processes: 2 },
      { comm: "prometheus", cpuSeconds: 0.4, processes: 1 },
    ]);
    expect(out.outsideCpuSeconds).toBeCloseTo(1.6);
    expect(out.stealSeconds).toBe(1);
    expect(out.windowSeconds).toBe(2);
    expect(out.placement).toEqual({ cpuCount: 2, isolated: false, note: "2 cores: benchmark not isolated" });
  });

  it("reports no steal when /proc/stat was unreadable", () => {
    expect(interferenceBetween(snapshot([], null), snapshot([], 5), 1, 1, 100, 8).stealSeconds).toBeNull();
  });
});

describe("parseStealTicks", () => {
  it("reads the eighth value of the aggregate cpu line", () => {
    expect(parseStealTicks("cpu  638524 4175 112242 229329 3279 0 7385 14006 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")).toBe(14006);
    expect(parseStealTicks("intr 1 2 3\n")).toBeNull();
  });
});

describe("summarizeInterference", () => {
  const base: RunInterference = {
    windowSeconds: 10,
    outsideCpuSeconds: 1,
    stealSeconds: 0,
    byName: [{ comm: "postgres", cpuSeconds: 1, processes: 3 }],
    placement: unpinnedPlacement(2),
  };

  it("stays quiet at a tenth of a core and no steal", () => {
    const s = summarizeInterference(base);
    expect(s.outsideCores).toBeCloseTo(0.1);
    expect(s.warning).toBeNull();
  });

  it("warns above a quarter core outside the benchmark, naming the biggest consumers", () => {
    const s = summarizeInterference({
      ...base,
      outsideCpuSeconds: 9,
      byName: [
        { comm: "postgres", cpuSeconds: 1, processes: 3 },
        { comm: "spinner", cpuSeconds: 8, processes: 1 },
      ],
    });
    expect(s.top.map((p) => p.comm)).toEqual(["spinner", "postgres"]);
    expect(s.warning).toContain("0.90 cores");
    expect(s.warning).toContain("spinner 0.80");
  });

  it("warns on any steal", () => {
    expect(summarizeInterference({ ...base, stealSeconds: 0.5 }).warning).toContain("steal");
  });

  it("adds repetitions up: windows, CPU and names", () => {
    const sum = addInterference(base, { ...base, byName: [{ comm: "sshd", cpuSeconds: 3, processes: 1 }] });
    expect(sum.windowSeconds).toBe(20);
    expect(sum.outsideCpuSeconds).toBe(2);
    expect(sum.byName.map((p) => [p.comm, p.cpuSeconds])).toEqual([
      ["sshd", 3],
      ["postgres", 1],
    ]);
  });
});

describe("unpinnedPlacement", () => {
  it("says a machine with few cores cannot isolate the benchmark", () => {
    expect(unpinnedPlacement(2).note).toBe("2 cores: benchmark not isolated");
    expect(unpinnedPlacement(8)).toMatchObject({ isolated: false, note: "8 cores: benchmark not pinned, so not isolated" });
  });
});

describe("interferenceDisparity", () => {
  const run = (name: string, outsideCpuSeconds: number, stealSeconds: number | null = 0) => ({
    name,
    interference: { windowSeconds: 10, outsideCpuSeconds, stealSeconds, byName: [], placement: unpinnedPlacement(2) },
  });

  it("warns when the busiest run had much more going on beside it than the quietest", () => {
    const warning = interferenceDisparity([run("quiet", 1), run("middle", 2), run("busy", 9)]);
    expect(warning).toContain('0.90 cores went to other processes or steal during "busy"');
    expect(warning).toContain('0.10 during "quiet"');
  });

  it("counts steal as disturbance too", () => {
    expect(interferenceDisparity([run("a", 1, 0), run("b", 1, 5)])).toContain('during "b"');
  });

  it("is quiet for similar runs, and ignores runs without a measurement", () => {
    expect(interferenceDisparity([run("a", 1), run("b", 2)])).toBeNull();
    expect(interferenceDisparity([run("a", 1), { name: "cluster", interference: null }])).toBeNull();
  });
});
