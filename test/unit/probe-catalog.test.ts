import { describe, expect, it } from "vitest";
import { PROBE_NAMES, PROBES } from "~/core/probes";
import { buildProbeProgram } from "~/worker/probes/build";
import { PROBE_DEFINITIONS } from "~/worker/probes/catalog";
import { resolveScope } from "~/worker/probes/scope";

describe("probe catalog", () => {
  it("has metadata and a definition for every probe, with the required ones present", () => {
    expect(PROBE_NAMES).toEqual(expect.arrayContaining(["runqlat", "tcp_retransmits", "tcp_rtt", "syscalls", "sched_switches"]));
    expect(PROBE_NAMES.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(PROBES).sort()).toEqual([...PROBE_NAMES].sort());
    expect(Object.keys(PROBE_DEFINITIONS).sort()).toEqual([...PROBE_NAMES].sort());
  });

  it.each(PROBE_NAMES)("%s: metadata a user can read, with units", (name) => {
    const meta = PROBES[name];
    expect(meta.name).toBe(name);
    expect(meta.title.length).toBeGreaterThan(3);
    expect(meta.description.length).toBeGreaterThan(60);
    expect(meta.scopeNote.length).toBeGreaterThan(20);
    expect(meta.unit).not.toBe("");
    expect(["histogram", "rate"]).toContain(meta.kind);
    expect(meta.tracepoints.length).toBeGreaterThan(0);
    expect(meta.metrics.length).toBeGreaterThan(0);
    for (const m of meta.metrics) {
      expect(m.name).toMatch(/^[a-z_]+$/);
      expect(m.unit).not.toBe("");
      expect(m.description.length).toBeGreaterThan(10);
    }
    if (meta.kind === "histogram") expect(meta.metrics.some((m) => m.kind === "histogram")).toBe(true);
    expect(meta.summary.length).toBeGreaterThan(0);
    for (const s of meta.summary) expect(s.unit).not.toBe("");
    expect(PROBE_DEFINITIONS[name].meta).toBe(meta);
  });

  it.each(PROBE_NAMES)("%s: the program uses exactly the tracepoints its metadata names (no kprobes)", (name) => {
    const built = buildProbeProgram(name);
    if (!built.ok) throw new Error(built.error);
    const { program } = built.built;
    const used = [...program.matchAll(/tracepoint:([a-z_]+:[a-z_]+)/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(PROBES[name].tracepoints));
    expect(program).not.toMatch(/kprobe|kfunc|uprobe/);
    // Fixed-interval output, markers, and nothing left for bpftrace's exit dump.
    expect(program).toMatch(/interval:s:1 \{ .*print\(@.*clear\(@.*meshbench:tick/);
    expect(program).toMatch(/END \{ .*meshbench:end/);
  });
});

describe("scoping", () => {
  it("filters process probes by pid and comm", () => {
    const built = buildProbeProgram("syscalls", { pids: [123, 456], comms: ["nginx"] });
    if (!built.ok) throw new Error(built.error);
    expect(built.built.program).toContain('/pid == 123 || pid == 456 || comm == "nginx"/');
    expect(built.built.scope).toEqual({ hostWide: false, pids: [123, 456], comms: ["nginx"], ports: [] });
  });

  it("without a scope, process probes are host-wide minus idle and bpftrace itself", () => {
    const built = buildProbeProgram("sched_switches");
    if (!built.ok) throw new Error(built.error);
    expect(built.built.program).toContain('/pid != 0 && comm != "bpftrace"/');
    expect(built.built.scope.hostWide).toBe(true);
  });

  it("says which scope a host-wide probe ignores, instead of pretending", () => {
    const resolved = resolveScope(PROBES.softirq, { pids: [1], ports: [80] });
    expect(resolved.ok && resolved.scope).toEqual({ hostWide: true, pids: [], comms: [], ports: [] });
    expect(resolved.ok && resolved.warnings.join(" ")).toMatch(/softirq cannot be limited by pids or ports/);
  });

  it("filters TCP probes by port", () => {
    const rtt = buildProbeProgram("tcp_rtt", { ports: [8080] });
    const conns = buildProbeProgram("tcp_connections", { ports: [8080] });
    if (!rtt.ok || !conns.ok) throw new Error("build failed");
    expect(rtt.built.program).toContain("/args->dport == 8080/");
    expect(conns.built.program).toContain("args->sport == 8080 || args->dport == 8080");
  });

  it("refuses input that could escape into the program", () => {
    for (const comms of [['ngi"nx'], ["a\\b"], ["new\nline"], [""]]) {
      expect(buildProbeProgram("syscalls", { comms }).ok, JSON.stringify(comms)).toBe(false);
    }
    expect(buildProbeProgram("syscalls", { pids: [-1] }).ok).toBe(false);
    expect(buildProbeProgram("syscalls", { pids: [1.5] }).ok).toBe(false);
    expect(buildProbeProgram("tcp_rtt", { ports: [70_000] }).ok).toBe(false);
    expect(buildProbeProgram("runqlat", { intervalSeconds: 0 }).ok).toBe(false);
  });

  it("truncates comm names to the kernel's 15 characters, and says so", () => {
    const built = buildProbeProgram("runqlat", { comms: ["a-very-long-process-name"] });
    if (!built.ok) throw new Error(built.error);
    expect(built.built.program).toContain('args->next_comm == "a-very-long-pro"');
    expect(built.built.warnings.join(" ")).toMatch(/first 15 characters/);
  });

  it("sizes maps where the default would overflow", () => {
    const runqlat = buildProbeProgram("runqlat");
    expect(runqlat.ok && runqlat.built.env).toEqual({ BPFTRACE_MAP_KEYS_MAX: "65536" });
  });
});
