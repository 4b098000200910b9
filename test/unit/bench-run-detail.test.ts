import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runIdOfBatchPath } from "~/bench/api/bare-run-detail";
import { RESULT_ROWS_SQL, RUN_ROW_SQL } from "~/bench/api/bare-run-detail-sql";
import { firstJsonDifference } from "~/bench/api/json-difference";
import { runDetailRows } from "~/bench/api/run-detail-rows";
import { trpcBatchPath } from "~/bench/api/trpc-url";

const load = (p50Us: number, p95Us: number) => ({ p50Us, p95Us, p99Us: p95Us, rps: 100, requests: 800, errors: 0 });

describe("bare runs.get handler", () => {
  it("reads the run id from the batch path the app is sent", () => {
    expect(runIdOfBatchPath(trpcBatchPath([{ procedure: "runs.get", input: { id: "abc" } }]))).toBe("abc");
    expect(runIdOfBatchPath(trpcBatchPath([{ procedure: "runs.list", input: { limit: 25 } }]))).toBeNull();
  });

  it("sends the statements server/runs/detail.ts sends", () => {
    // The product's tagged template interpolates the id; the bare handler binds it as $1.
    const interpolatedId = ["$", "{id}"].join("");
    const detail = readFileSync("server/runs/detail.ts", "utf8").replaceAll(interpolatedId, "$1");
    expect(detail).toContain(RUN_ROW_SQL);
    expect(detail).toContain(RESULT_ROWS_SQL);
  });
});

describe("runDetailRows", () => {
  it("passes within twice the bare handler at each percentile and misses beyond", () => {
    const rows = runDetailRows("2", [{ clients: 1, app: load(190, 500), bare: load(100, 200) }], "n");
    expect(rows.map((r) => r.verdict)).toEqual(["pass", "miss"]);
    expect(rows[0]?.values?.ratio).toBeCloseTo(1.9);
  });
});

describe("firstJsonDifference", () => {
  it("names the first differing path, ignoring key order", () => {
    expect(firstJsonDifference({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBeNull();
    expect(firstJsonDifference({ a: { b: [] } }, { a: {} })).toBe("$.a.b: [] vs undefined");
  });
});
