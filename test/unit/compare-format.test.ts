import { describe, expect, it } from "vitest";
import { cannotJudgeExplanation, cannotJudgeShort, measuredOnce, verdictLabel } from "~/core/format/compare";

describe("words for a difference that cannot be judged", () => {
  it("name the runs measured once and say what to do", () => {
    const runs = [
      { name: "nginx", repetitions: 3 },
      { name: "base", repetitions: 1 },
    ];
    expect(measuredOnce(runs)).toEqual(["base"]);
    expect(cannotJudgeExplanation("single-repetition", measuredOnce(runs))).toMatch(
      /^The difference cannot be judged from one repetition \(“base” was measured once\): .* Run “base” again with 3 or more repetitions\.$/,
    );
    expect(cannotJudgeExplanation("single-repetition", ["a", "b"])).toContain("(“a” and “b” were measured once)");
    expect(cannotJudgeExplanation("single-repetition", ["a", "b"])).toMatch(/Run them again with 3 or more repetitions\.$/);
    expect(cannotJudgeExplanation("single-repetition", [])).toMatch(/noise real\. Run it with 3 or more repetitions\.$/);
    expect(cannotJudgeExplanation("no-samples", [])).toBe("The difference cannot be judged: a run has no measured request.");
  });

  it("give a table cell and a verdict badge the short form", () => {
    expect(cannotJudgeShort("single-repetition")).toBe("no interval: one repetition");
    expect(verdictLabel(null, "single-repetition")).toBe("cannot judge: one repetition");
    expect(verdictLabel(null, "no-latency")).toBe("not enough data");
    expect(verdictLabel("regressed", null)).toBe("regressed");
  });
});
