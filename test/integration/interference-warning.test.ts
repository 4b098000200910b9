import { describe, expect, it } from "vitest";
import { buildComparison } from "~/core/compare";
import { type RunInterference, unpinnedPlacement } from "~/core/interference";
import { runSpecSchema } from "~/core/spec";
import { db, type Prisma } from "~/server/db/client";
import { findCompareInputs } from "~/server/runs/store";

const spec = runSpecSchema.parse({ backend: "LOCAL", mesh: "nginx", rate: 100, durationSeconds: 2, repetitions: 1 });
const measured = (outsideCpuSeconds: number): RunInterference => ({
  windowSeconds: 10,
  outsideCpuSeconds,
  stealSeconds: 0,
  byName: [{ comm: "postgres", cpuSeconds: outsideCpuSeconds, processes: 1 }],
  placement: unpinnedPlacement(2),
});
/** The warning as a report and the compare page get it: from the comparison of the stored runs. */
async function interferenceWarnings(runIds: string[]) {
  const inputs = await findCompareInputs(runIds);
  const comparison = buildComparison(runIds.flatMap((id) => inputs.get(id) ?? []));
  return comparison.warnings.filter((w) => w.code === "differs-interference");
}

const createRun = (name: string, interference: RunInterference | null) =>
  db.benchmarkRun.create({
    data: {
      name,
      mesh: "nginx",
      spec,
      status: "SUCCEEDED",
      ...(interference ? { interference: interference as unknown as Prisma.InputJsonValue } : {}),
    },
  });

describe("a report's warning about unequal interference", () => {
  it("warns, naming the busiest and the quietest run, as stored with the runs", async () => {
    const quiet = await createRun("report quiet", measured(0.5));
    const busy = await createRun("report busy", measured(8));
    const warnings = await interferenceWarnings([quiet.id, busy.id]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: "differs-interference", severity: "warning", runIds: [quiet.id, busy.id] });
    expect(warnings[0]?.message).toContain('"report busy"');
    expect(warnings[0]?.message).toContain('"report quiet"');
  });

  it("says nothing for similar runs or runs without a measurement", async () => {
    const a = await createRun("report a", measured(0.5));
    const b = await createRun("report b", measured(1));
    const old = await createRun("report old", null);
    expect(await interferenceWarnings([a.id, b.id])).toEqual([]);
    expect(await interferenceWarnings([a.id, old.id])).toEqual([]);
  });
});
