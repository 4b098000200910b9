import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { haproxyConfig } from "~/worker/backends/local/haproxy";
import { ManagedProcess } from "~/worker/backends/local/managed-process";
import { nginxConfig } from "~/worker/backends/local/nginx";
import { runDirFor } from "~/worker/backends/local/paths";
import { looksLikeAddressInUse } from "~/worker/backends/local/ports";
import { descendantPids, parseRssBytes, parseStat } from "~/worker/backends/local/proc";
import { ResourceMonitor } from "~/worker/backends/local/resource-monitor";

/** The local backend's building blocks: pure parts on fixed input, process parts on real /proc. */

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("/proc parsing", () => {
  it("reads CPU ticks, parent and start time, even with spaces and parentheses in comm", () => {
    const stat =
      "4242 (nginx: wor) ker) S 4241 4241 4241 0 -1 4194624 900 0 0 0 150 50 0 0 20 0 1 0 123456 11111 222 18446744073709551615";
    expect(parseStat(stat)).toEqual({
      pid: 4242,
      comm: "nginx: wor) ker",
      state: "S",
      ppid: 4241,
      cpuTicks: 200,
      startTime: 123456,
    });
    expect(parseStat("garbage")).toBeNull();
  });

  it("reads VmRSS in bytes", () => {
    expect(parseRssBytes("Name:\tnode\nVmHWM:\t  90000 kB\nVmRSS:\t   81234 kB\n")).toBe(81234 * 1024);
    expect(parseRssBytes("Name:\tkthreadd\n")).toBeNull();
  });
});

describe("proxy configs", () => {
  const input = {
    runDir: "/tmp/run-x",
    name: "proxy-client" as const,
    listenPort: 4001,
    upstreamPort: 4002,
    connections: 64,
    runningAsRoot: true,
  };

  it("nginx: one worker, everything inside the run dir, keep-alive upstream", () => {
    const conf = nginxConfig(input);
    expect(conf).toContain("worker_processes 1;");
    expect(conf).toContain("user root;");
    expect(conf).toContain("access_log off;");
    expect(conf).toContain("listen 127.0.0.1:4001;");
    expect(conf).toContain("server 127.0.0.1:4002;");
    expect(conf).toContain("keepalive 64;");
    expect(conf).toContain("proxy_http_version 1.1;");
    expect(conf).toContain('proxy_set_header Connection "";');
    for (const line of conf.split("\n").filter((l) => /(_path|^pid) /.test(l.trim()))) expect(line).toContain('"/tmp/run-x/');
    expect(nginxConfig({ ...input, runningAsRoot: false })).not.toContain("user root");
  });

  it("haproxy: one thread, HTTP mode, connection reuse", () => {
    const cfg = haproxyConfig(input);
    expect(cfg).toContain("nbthread 1");
    expect(cfg).toContain("mode http");
    expect(cfg).toContain("http-reuse always");
    expect(cfg).toContain("bind 127.0.0.1:4001");
    expect(cfg).toContain("server next_hop 127.0.0.1:4002");
  });

  it("recognises bind failures", () => {
    expect(looksLikeAddressInUse("[emerg] bind() to 127.0.0.1:4001 failed (98: Address already in use)")).toBe(true);
    expect(looksLikeAddressInUse("[ALERT] Starting frontend fe_in: cannot bind socket (Address already in use)")).toBe(true);
    expect(looksLikeAddressInUse("unknown directive")).toBe(false);
  });
});

describe("run dirs", () => {
  it("accept run ids and refuse anything that could escape the run root", () => {
    expect(runDirFor("/var/x", "cm1abc_D-2")).toBe("/var/x/cm1abc_D-2");
    for (const bad of ["", "..", "../etc", "a/b", ".hidden", "a b"]) expect(() => runDirFor("/var/x", bad)).toThrow(/run id/);
  });
});

describe("ManagedProcess", () => {
  it("escalates to SIGKILL for a process that ignores SIGTERM, and kills what it forked", async () => {
    const p = ManagedProcess.spawn("stubborn", "sh", ["-c", 'trap "" TERM; sleep 30 & sleep 30 & wait']);
    await new Promise((r) => setTimeout(r, 200));
    const children = await descendantPids(p.pid);
    expect(children.length).toBe(2);
    const started = Date.now();
    await p.stop(300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(p.exitSignal).toBe("SIGKILL");
    for (const pid of [p.pid, ...children]) expect(alive(pid)).toBe(false);
  });

  it("reports how a process died, with its stderr", async () => {
    const p = ManagedProcess.spawn("failing", "sh", ["-c", "echo 'config error on line 3' >&2; exit 3"]);
    await p.exited;
    expect(p.describeExit()).toBe("failing exited with code 3: config error on line 3");
    const missing = ManagedProcess.spawn("missing", "/nonexistent/binary", []);
    await missing.exited;
    expect(missing.describeExit()).toMatch(/missing could not be started/);
  });
});

describe("ResourceMonitor", () => {
  it("measures a busy process at about one core and reports its memory", async () => {
    const busy = ManagedProcess.spawn("busy", process.execPath, ["-e", "const a = Buffer.alloc(64 << 20, 1); for (;;) a[0]++;"]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const monitor = new ResourceMonitor([{ component: "busy", role: "app", pid: busy.pid, includeChildren: true }], 100);
      await monitor.start();
      await new Promise((r) => setTimeout(r, 1_500));
      const [usage] = await monitor.stop();
      expect(usage?.component).toBe("busy");
      // One core on an otherwise idle 2-core box; leave room for a busy CI neighbour.
      expect(usage?.cpuCores ?? 0).toBeGreaterThan(0.5);
      expect(usage?.cpuCores ?? 9).toBeLessThan(1.2);
      expect(usage?.maxRssBytes ?? 0).toBeGreaterThan(64 << 20);
    } finally {
      await busy.stop(500);
    }
  });

  it("reports null, not zero, for a process it could not see", async () => {
    const monitor = new ResourceMonitor([{ component: "ghost", role: "proxy", pid: 999_999_999, includeChildren: false }], 100);
    await monitor.start();
    expect(await monitor.stop()).toEqual([{ component: "ghost", role: "proxy", cpuCores: null, maxRssBytes: null }]);
  });
});
