import { describe, expect, it } from "vitest";
import { CookieJar } from "~/bench/api/cookies";
import { planShape } from "~/bench/api/explain";
import { batchSucceeded } from "~/bench/api/http-load";
import { trpcBatchPath } from "~/bench/api/trpc-url";
import { benchDatabaseUrl } from "~/bench/env";
import { parseArgs, wants } from "~/bench/lib/args";
import { median, quantile, rateSpread } from "~/bench/lib/stats";
import { pacedScript, rotatingScript } from "~/bench/lib/wrk-lua";
import { JSON_MARKER } from "~/bench/lib/wrk-output";
import { perSecondFromMsecLog } from "~/bench/loadgen/access-log";
import { expectedStallP99Us } from "~/bench/loadgen/coordinated-omission";
import { pacedDelayMs } from "~/bench/loadgen/plan";

describe("nginx $msec log → per-second rate", () => {
  it("counts requests per second of the window and ignores warm-up, drain and junk", () => {
    const start = 1_700_000_000_000;
    const log = [
      "1699999999.999",
      "1700000000.000",
      "1700000000.999",
      "1700000001.000",
      "garbage",
      "",
      "1700000002.500",
      "1700000003.000",
    ].join("\n");
    expect(perSecondFromMsecLog(log, start, start + 3000)).toEqual([2, 1, 1]);
  });

  it("drops a partial last second", () => {
    expect(perSecondFromMsecLog("1.100\n2.200\n", 1000, 3500)).toEqual([1, 1]);
  });
});

describe("stats", () => {
  it("interpolates quantiles", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it("describes per-second spread against the requested rate", () => {
    const s = rateSpread([1990, 2000, 2010], 2000);
    expect(s).toMatchObject({ seconds: 3, min: 1990, max: 2010 });
    expect(s.worstDeviation).toBeCloseTo(0.005);
    expect(s.cv).toBeCloseTo(10 / 2000);
  });
});

describe("wrk Lua scripts", () => {
  it("paces with a uniform whole-millisecond delay of the requested mean", () => {
    expect(pacedDelayMs(16, 500)).toBe(32);
    expect(pacedDelayMs(16, 2000)).toBe(8);
    expect(pacedDelayMs(16, 8000)).toBe(2);
    expect(pacedDelayMs(16, 100_000)).toBe(0.5);
    const lua = pacedScript(8);
    expect(lua).toContain("math.random() * 17");
    expect(lua).toContain(JSON_MARKER);
    expect(() => pacedScript(0.1)).toThrow();
  });

  it("rotates over paths and sets headers, with Lua string escapes", () => {
    const lua = rotatingScript(['/api/trpc/runs.get?input={"a":"b"}'], { Cookie: "a=b; c=d" });
    expect(lua).toContain('"/api/trpc/runs.get?input={\\"a\\":\\"b\\"}",');
    expect(lua).toContain('wrk.headers["Cookie"] = "a=b; c=d"');
    expect(() => rotatingScript([], {})).toThrow();
  });
});

describe("coordinated omission expectation", () => {
  it("is S − 0.01·W for a stall S in a window W", () => {
    expect(expectedStallP99Us(1000, 10_000)).toBe(900_000);
    expect(expectedStallP99Us(1000, 4000)).toBe(960_000);
    expect(expectedStallP99Us(10, 10_000)).toBe(0);
  });
});

describe("tRPC and login helpers", () => {
  it("builds the batched GET path httpBatchLink uses, superjson-wrapped", () => {
    const path = trpcBatchPath([
      { procedure: "runs.get", input: { id: "a" } },
      { procedure: "runs.get", input: { id: "b" } },
    ]);
    expect(path.startsWith("/api/trpc/runs.get,runs.get?batch=1&input=")).toBe(true);
    const input = JSON.parse(decodeURIComponent(path.split("input=")[1] ?? ""));
    expect(input).toEqual({ 0: { json: { id: "a" } }, 1: { json: { id: "b" } } });
    expect(() => trpcBatchPath([])).toThrow();
  });

  it("accepts a batch only when every call has a result", () => {
    expect(batchSucceeded('[{"result":{"data":{"json":{"items":[{"error":null}]}}}}]')).toBe(true);
    expect(batchSucceeded('[{"result":{}},{"error":{"json":{"message":"Log in first."}}}]')).toBe(false);
    expect(batchSucceeded("[]")).toBe(false);
    expect(batchSucceeded("<html>")).toBe(false);
  });

  it("keeps cookies from Set-Cookie lines and drops expired ones", () => {
    const jar = new CookieJar();
    jar.store(["next-auth.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax", "next-auth.callback-url=x; Path=/"]);
    jar.store(["next-auth.session-token=jwt; Path=/; HttpOnly", "next-auth.callback-url=; Max-Age=0; Path=/"]);
    expect(jar.get("next-auth.session-token")).toBe("jwt");
    expect(jar.header()).toBe("next-auth.csrf-token=abc%7Cdef; next-auth.session-token=jwt");
  });

  it("describes a plan by its nodes", () => {
    expect(
      planShape({
        "Node Type": "Limit",
        Plans: [
          { "Node Type": "Index Scan", "Index Name": "BenchmarkRun_pkey" },
          { "Node Type": "Seq Scan", "Relation Name": "User" },
        ],
      }),
    ).toBe("Limit > [Index Scan (BenchmarkRun_pkey) ; Seq Scan (User)]");
  });
});

describe("bench environment and arguments", () => {
  it("uses its own database next to the configured one", () => {
    expect(benchDatabaseUrl({ DATABASE_URL: "postgresql://u@db:5432/meshbench?sslmode=disable" })).toBe(
      "postgresql://u@db:5432/meshbench_bench?sslmode=disable",
    );
    expect(benchDatabaseUrl({ BENCH_DATABASE_URL: "postgresql://x/y" })).toBe("postgresql://x/y");
  });

  it("parses --quick and --only, and refuses unknown flags", () => {
    const a = parseArgs(["--quick", "--only=1,3"]);
    expect(a.quick).toBe(true);
    expect(wants(a, "1")).toBe(true);
    expect(wants(a, "2")).toBe(false);
    expect(wants(parseArgs([]), "2")).toBe(true);
    expect(() => parseArgs(["--fast"])).toThrow(/unknown argument/);
    expect(wants(parseArgs(["--only=5"]), "5")).toBe(true);
    expect(wants(parseArgs(["--only=6"]), "6")).toBe(true);
    expect(() => parseArgs(["--only=7"])).toThrow();
  });
});
