import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { HistogramLogReader } from "hdr-histogram-js";
import type protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { JsonObject } from "~/core/exports/json";
import { RUN_EXPORT_SCHEMA_PATH } from "~/core/exports/paths";
import { runExportJsonSchema } from "~/core/exports/run-json";
import { SMP_VERSION } from "~/core/exports/smp";
import { fortioResultSchema } from "~/core/parsers/fortio";
import { runSpecSchema } from "~/core/spec";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { ComparisonError } from "~/server/reports/comparison";
import { appUrl, buildExport, buildSmpExport, EXPORT_FORMATS, ExportRequestError } from "~/server/reports/exports";
import { LocalBackend } from "~/worker/backends/local/local-backend";
import { processBenchmark } from "~/worker/jobs/benchmark";
import { loadSmpProtos, parseSmpStrict } from "../fixtures/smp-protos";
import { createUser } from "./helpers";

/**
 * Every export of a real local run (nginx proxy pair, 200 rps, 1 s warm-up + 2 s, two repetitions,
 * run by the real benchmark job), read from the database the way the export routes do: each file
 * parsed back by the tool or library its format belongs to.
 */

describe("exports of a real local run", () => {
  let runRoot = "";
  let runId = "";
  let smpRoot: protobuf.Root;
  const now = new Date("2026-11-30T12:00:00Z");

  beforeAll(async () => {
    runRoot = await mkdtemp(path.join(os.tmpdir(), "meshbench-exports-runs-"));
    smpRoot = await loadSmpProtos();
    const admin = await createUser("ADMIN");
    const spec = runSpecSchema.parse({
      mesh: "nginx",
      rate: 200,
      connections: 4,
      durationSeconds: 2,
      warmupSeconds: 1,
      payloadBytes: 128,
      repetitions: 2,
    });
    const run = await db.benchmarkRun.create({
      data: {
        name: "it-exports nginx",
        mesh: "nginx",
        backend: "LOCAL",
        spec: spec as unknown as Prisma.InputJsonValue,
        createdById: admin.id,
      },
    });
    runId = run.id;
    const outcome = await processBenchmark(run.id, {
      createBackend: () => new LocalBackend({ runRoot }),
      shutdownSignal: new AbortController().signal,
      log: () => undefined,
    });
    expect(outcome).toBe("SUCCEEDED");
  }, 120_000);

  afterAll(async () => {
    await rm(runRoot, { recursive: true, force: true });
  });

  async function storedHistograms() {
    const rows = await db.runResult.findMany({ where: { runId }, orderBy: { iteration: "asc" } });
    return rows.flatMap((r) => (r.histogram ? [histogramFromBytes(r.histogram)] : []));
  }

  it("MeshBench JSON validates against the served JSON Schema and carries the stored histograms", async () => {
    const file = await buildExport("run", [runId], null, now);
    expect(file.contentType).toBe("application/json; charset=utf-8");
    expect(file.filename).toBe("it-exports-nginx-meshbench-run.json");
    const doc = JSON.parse(file.body);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(runExportJsonSchema(appUrl(RUN_EXPORT_SCHEMA_PATH)));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.$schema).toBe(appUrl(RUN_EXPORT_SCHEMA_PATH));
    const stored = await storedHistograms();
    expect(doc.repetitions.map((r: { histogram: { totalCount: number } }) => r.histogram.totalCount)).toEqual(
      stored.map((h) => h.totalCount),
    );
    expect(doc.run.interference?.placement.cpuCount).toBeGreaterThan(0);
    expect(doc.run.environment).toMatchObject({ kubernetesVersion: null, nodes: [{ name: "local", roles: ["local"] }] });
  });

  it("every format builds from the stored run, each JSON one parses, fortio's through MeshBench's fortio reader", async () => {
    for (const format of EXPORT_FORMATS) {
      const file = await buildExport(format, [runId], null, now);
      expect(file.body.length, format).toBeGreaterThan(0);
      if (file.contentType.startsWith("application/json")) expect(() => JSON.parse(file.body), format).not.toThrow();
    }
    const fortio = fortioResultSchema.parse(JSON.parse((await buildExport("fortio", [runId], null, now)).body));
    expect(fortio.RequestedQPS).toBe("200");
    expect(fortio.DurationHistogram.Count).toBe((await storedHistograms()).reduce((a, h) => a + h.totalCount, 0));
    const om = await buildExport("openmetrics", [runId], null, now);
    expect(om.contentType).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(om.body.endsWith("# EOF\n")).toBe(true);
  });

  it(".hlog reads back with identical percentiles to the stored histograms", async () => {
    const file = await buildExport("hlog", [runId], null, now);
    expect(file.filename).toBe("it-exports-nginx.hlog");
    const reader = new HistogramLogReader(file.body);
    for (const stored of await storedHistograms()) {
      const h = reader.nextIntervalHistogram();
      expect(h?.totalCount).toBe(stored.totalCount);
      for (const p of [50, 90, 99, 99.9, 100]) expect(h?.getValueAtPercentile(p)).toBe(stored.getValueAtPercentile(p));
    }
    expect(reader.nextIntervalHistogram()).toBeNull();
  });

  it("SMP parses strictly as JSON and YAML, pointing at the run's full-histogram export", async () => {
    const json = await buildSmpExport(runId, "json");
    const yaml = await buildSmpExport(runId, "yaml");
    expect(yaml.contentType).toBe("application/yaml; charset=utf-8");
    const fromJson = parseSmpStrict(smpRoot, JSON.parse(json.body) as JsonObject);
    const fromYaml = parseSmpStrict(smpRoot, parseYaml(yaml.body, { strict: true }) as JsonObject);
    expect(fromJson).toEqual(fromYaml);
    const result = fromJson.performanceTestResult ?? {};
    expect(result.smpVersion).toBe(SMP_VERSION);
    expect(result.detailsUri).toBe(appUrl(`/api/reports/export?runs=${runId}&format=run`));
    expect(new URL(String(result.detailsUri)).protocol).toMatch(/^https?:$/);
    // where it ran, as the worker recorded it once the workload was ready
    expect(fromJson.environmentConfig?.nodes).toEqual([
      { cores: os.availableParallelism(), memMb: String(Math.round(os.totalmem() / 1e6)) },
    ]);
    const clients = (fromJson.performanceTestConfig?.clients ?? []) as { endpointUrls?: string[] }[];
    expect(clients[0]?.endpointUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//)]);
    expect(fromJson.environmentConfig?.kubernetesVersion).toBeUndefined();
  });

  it("refuses what it cannot export, naming the problem", async () => {
    await expect(buildExport("hlog", [runId, runId], null, now)).rejects.toThrow(ExportRequestError);
    await expect(buildExport("run", ["no-such-run"], null, now)).rejects.toThrow(ComparisonError);
    const queued = await db.benchmarkRun.create({
      data: { name: "it-exports queued", mesh: "baseline", backend: "LOCAL", spec: {} },
    });
    await expect(buildExport("fortio", [queued.id], null, now)).rejects.toThrow(/only succeeded runs/);
    await expect(buildSmpExport(queued.id, "yaml")).rejects.toThrow(/only succeeded runs/);
  });
});
