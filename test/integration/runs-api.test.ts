import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunSpecInput } from "~/core/spec";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { callerFor, createUser, expectCode, sessionFor } from "./helpers";

const goodSpec = {
  mesh: "baseline",
  mode: "fixed-rate",
  rate: 200,
  connections: 4,
  durationSeconds: 2,
  warmupSeconds: 1,
  payloadBytes: 256,
  repetitions: 1,
} satisfies RunSpecInput;

async function clearRuns() {
  await runQueue().obliterate({ force: true });
  await db.benchmarkRun.deleteMany();
}

/** The runs list's columns (server/api/routers/runs.ts RunListRow). */
const LIST_COLUMNS = [
  "id",
  "name",
  "backend",
  "mesh",
  "status",
  "progress",
  "phase",
  "error",
  "createdAt",
  "startedAt",
  "finishedAt",
  "p50Us",
  "p99Us",
  "actualQps",
  "errorCount",
  "requestCount",
] as const;

describe("runs API (tRPC against the real database and queue)", () => {
  let admin: Awaited<ReturnType<typeof createUser>>;
  let viewer: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    admin = await createUser("ADMIN");
    viewer = await createUser("VIEWER");
  });
  beforeEach(clearRuns);
  afterAll(clearRuns);

  it("writes the run before enqueueing it, with job id = run id", async () => {
    const { id, enqueued } = await callerFor(sessionFor(admin)).runs.create({ name: "api baseline", spec: goodSpec });
    expect(enqueued).toBe(true);
    const row = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("QUEUED");
    expect(row.createdById).toBe(admin.id);
    expect(row.mesh).toBe("baseline");
    const job = await runQueue().getJob(id);
    expect(job?.id).toBe(id);
    expect(job?.data.runId).toBe(id);
    expect(await db.auditEvent.count({ where: { action: "run.create", target: id } })).toBe(1);
  });

  it("rejects bad specs with field errors and stores nothing", async () => {
    const caller = callerFor(sessionFor(admin));
    const bad: Record<string, unknown>[] = [
      { ...goodSpec, rate: undefined },
      { ...goodSpec, rate: -5 },
      { ...goodSpec, connections: 0 },
      { ...goodSpec, mesh: "not-a-mesh" },
      { ...goodSpec, durationSeconds: 1.5 },
      { ...goodSpec, mesh: "istio" }, // needs the Kubernetes backend
    ];
    for (const spec of bad) {
      const error = await expectCode(caller.runs.create({ name: "bad", spec: spec as typeof goodSpec }), "BAD_REQUEST");
      expect(error.message.length).toBeGreaterThan(0);
    }
    await expectCode(caller.runs.create({ name: "   ", spec: goodSpec }), "BAD_REQUEST");
    expect(await db.benchmarkRun.count()).toBe(0);
    expect(await runQueue().count()).toBe(0);
  });

  it("refuses every mutation to anonymous callers and viewers, and changes nothing", async () => {
    const { id } = await callerFor(sessionFor(admin)).runs.create({ name: "target", spec: goodSpec });
    for (const [session, code] of [
      [null, "UNAUTHORIZED"],
      [sessionFor(viewer), "FORBIDDEN"],
    ] as const) {
      const caller = callerFor(session);
      await expectCode(caller.runs.create({ name: "sneaky", spec: goodSpec }), code);
      await expectCode(caller.runs.cancel({ id }), code);
    }
    await expectCode(callerFor(null).runs.list({}), "UNAUTHORIZED");
    await expectCode(callerFor(null).runs.get({ id }), "UNAUTHORIZED");
    expect(await db.benchmarkRun.count()).toBe(1);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
  });

  it("lets an operator start and cancel a run, recorded under the operator's name", async () => {
    const operator = await createUser("OPERATOR");
    const caller = callerFor(sessionFor(operator));
    const { id } = await caller.runs.create({ name: "operator's run", spec: goodSpec });
    await caller.runs.cancel({ id });
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
    expect(run.createdById).toBe(operator.id);
    expect(await db.auditEvent.count({ where: { userId: operator.id, action: { in: ["run.create", "run.cancel"] } } })).toBe(2);
  });

  it("checks the role in the database, not only in the session token", async () => {
    const demoted = await createUser("ADMIN");
    await db.user.update({ where: { id: demoted.id }, data: { role: "VIEWER" } });
    await expectCode(callerFor(sessionFor(demoted)).runs.create({ name: "x", spec: goodSpec }), "FORBIDDEN");
  });

  it("lets viewers read: list with paging and filters, get, not-found", async () => {
    const adminCaller = callerFor(sessionFor(admin));
    for (let i = 0; i < 5; i++) await adminCaller.runs.create({ name: `run ${i}`, spec: goodSpec });
    await adminCaller.runs.create({ name: "nginx one", spec: { ...goodSpec, mesh: "nginx" } });
    const caller = callerFor(sessionFor(viewer));

    const first = await caller.runs.list({ limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.items[0]?.name).toBe("nginx one"); // newest first
    const second = await caller.runs.list({ limit: 4, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const ids = new Set([...first.items, ...second.items].map((r) => r.id));
    expect(ids.size).toBe(6);

    expect((await caller.runs.list({ mesh: "nginx" })).items.map((r) => r.name)).toEqual(["nginx one"]);
    expect((await caller.runs.list({ status: "SUCCEEDED" })).items).toHaveLength(0);

    const detail = await caller.runs.get({ id: first.items[0]?.id ?? "" });
    expect(detail.spec?.mesh).toBe("nginx");
    expect(detail.summary).toBeNull(); // nothing measured yet: missing, not zero
    expect(detail.spectrum).toEqual([]);
    await expectCode(caller.runs.get({ id: "does-not-exist" }), "NOT_FOUND");
  });

  it("pages through every run exactly once, newest first, ties broken by id, with and without filters", async () => {
    const same = new Date("2026-11-01T12:00:00Z");
    await db.benchmarkRun.createMany({
      data: Array.from({ length: 11 }, (_, i) => ({
        name: `paged ${i}`,
        mesh: i % 3 === 0 ? "nginx" : "baseline",
        status: i % 2 === 0 ? ("SUCCEEDED" as const) : ("FAILED" as const),
        spec: goodSpec,
        // three runs share each timestamp: the order must not depend on the timestamp alone
        createdAt: new Date(same.getTime() - Math.floor(i / 3) * 1000),
      })),
    });
    const caller = callerFor(sessionFor(viewer));
    const all = async (filter: { mesh?: "nginx"; status?: "FAILED" }) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof caller.runs.list>> = await caller.runs.list({ limit: 3, cursor, ...filter });
        names.push(...page.items.map((r) => r.name));
        cursor = page.nextCursor;
      } while (cursor);
      return names;
    };
    const expected = async (where: { mesh?: string; status?: "FAILED" }) =>
      (await db.benchmarkRun.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { name: true } })).map(
        (r) => r.name,
      );
    expect(await all({})).toEqual(await expected({}));
    expect(await all({ mesh: "nginx" })).toEqual(await expected({ mesh: "nginx" }));
    expect(await all({ status: "FAILED" })).toEqual(await expected({ status: "FAILED" }));
    expect((await all({})).length).toBe(11);
  });

  it("lists rows exactly as Prisma reads them: enums, floats, integers, dates and nulls", async () => {
    const finished = { startedAt: new Date("2026-11-02T10:00:00Z"), finishedAt: new Date("2026-11-02T10:01:00.123Z") };
    await db.benchmarkRun.createMany({
      data: [
        {
          name: "measured",
          mesh: "istio",
          backend: "KUBERNETES",
          status: "SUCCEEDED",
          spec: goodSpec,
          progress: 100,
          ...finished,
          p50Us: 181.5,
          p99Us: 2_950,
          actualQps: 499.75,
          requestCount: 30_000,
          errorCount: 0,
        },
        { name: "failed", mesh: "nginx", status: "FAILED", spec: goodSpec, progress: 37.5, error: "upstream died", ...finished },
        {
          name: "running",
          mesh: "baseline",
          status: "RUNNING",
          spec: goodSpec,
          progress: 12.25,
          phase: "repetition 1 of 2: measuring",
        },
      ],
    });
    const caller = callerFor(sessionFor(viewer));
    const prisma = await db.benchmarkRun.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 100,
      select: Object.fromEntries(LIST_COLUMNS.map((c) => [c, true])) as Record<(typeof LIST_COLUMNS)[number], true>,
    });
    const listed = (await caller.runs.list({ limit: 100 })).items;
    expect(listed.map((r) => r.id)).toEqual(prisma.map((r) => r.id));
    // Field by field on this test's own rows: nothing else writes to them between the two reads.
    const mine = <Row extends { name: string }>(rows: Row[]) =>
      rows.filter((r) => ["measured", "failed", "running"].includes(r.name));
    expect(mine(listed)).toHaveLength(3);
    // Besides the columns, the list says which runs were imported (none of these).
    expect(mine(listed).map(({ imported, ...row }) => row)).toEqual(mine(prisma));
    expect(mine(listed).every((r) => r.imported === null)).toBe(true);
    expect(listed.find((r) => r.name === "measured")).toMatchObject({
      backend: "KUBERNETES",
      p50Us: 181.5,
      requestCount: 30_000,
    });
    expect(listed.find((r) => r.name === "running")).toMatchObject({ phase: "repetition 1 of 2: measuring", p50Us: null });
    const failedOnly = (await caller.runs.list({ status: "FAILED", mesh: "nginx" })).items;
    expect(failedOnly.map((r) => r.name)).toContain("failed");
    expect(failedOnly.every((r) => r.status === "FAILED" && r.mesh === "nginx")).toBe(true);
  });

  it("cancels a queued run at once, removes its job, and refuses to cancel twice", async () => {
    const caller = callerFor(sessionFor(admin));
    const { id } = await caller.runs.create({ name: "to cancel", spec: goodSpec });
    const result = await caller.runs.cancel({ id });
    expect(result.status).toBe("CANCELLED");
    expect(await runQueue().getJob(id)).toBeUndefined();
    await expectCode(caller.runs.cancel({ id }), "CONFLICT");
    await expectCode(caller.runs.cancel({ id: "nope" }), "NOT_FOUND");
  });

  it("flags a running run for the worker to stop", async () => {
    const caller = callerFor(sessionFor(admin));
    const { id } = await caller.runs.create({ name: "running", spec: goodSpec });
    await db.benchmarkRun.update({ where: { id }, data: { status: "RUNNING", startedAt: new Date() } });
    const result = await caller.runs.cancel({ id });
    expect(result.status).toBe("RUNNING");
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id } })).cancelRequestedAt).not.toBeNull();
  });
});
