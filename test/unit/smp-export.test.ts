import protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { JsonObject, JsonValue } from "~/core/exports/json";
import { SMP_DOCUMENT_MESSAGES, SMP_VERSION, smpDocument, smpEnvironmentOf } from "~/core/exports/smp";
import { toYaml } from "~/core/exports/yaml";
import { exportRun, exportRuns } from "../fixtures/export-runs";
import { loadSmpProtos, parseSmpStrict } from "../fixtures/smp-protos";

/**
 * The SMP export parsed strictly against SMP's own .proto files (vendored in vendor/smp/) by
 * protobuf.js's ProtoJSON reader, which rejects unknown fields, unknown enum names and
 * wrongly-typed values. Both spellings: proto3 JSON (lowerCamelCase) and Meshery's snake_case YAML.
 */

let root: protobuf.Root;

beforeAll(async () => {
  root = await loadSmpProtos();
});

const parseStrict = (doc: JsonObject) => parseSmpStrict(root, doc);

/** Every field name in the document, as spelled, checked against the message's fields (map keys skipped). */
function fieldNames(type: protobuf.Type, value: JsonValue, spell: (protoName: string) => string, bad: string[]): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const byName = new Map(type.fieldsArray.map((f) => [spell(f.name), f]));
  for (const [key, v] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) {
      bad.push(`${type.name}.${key}`);
      continue;
    }
    field.resolve();
    if (field.map || !(field.resolvedType instanceof protobuf.Type)) continue;
    const child = field.resolvedType;
    for (const item of Array.isArray(v) ? v : [v]) fieldNames(child, item, spell, bad);
  }
}

function spelling(doc: JsonObject, spell: (protoName: string) => string): string[] {
  const bad: string[] = [];
  for (const [key, value] of Object.entries(doc))
    fieldNames(root.lookupType(SMP_DOCUMENT_MESSAGES[key] ?? ""), value, spell, bad);
  return bad;
}

const camel = (name: string) => protobuf.util.camelCase(name);

describe("SMP export against the vendored SMP protos", () => {
  it("rejects the field names and enum values of the old export (a strict reader, not a lenient one)", () => {
    const result = root.lookupType("smp.PerformanceTestResult");
    expect(() => protojson.fromJson(result, { actual_QPS: 99.5 })).toThrow(/unknown field: "actual_QPS"/);
    expect(() =>
      protojson.fromJson(root.lookupType("smp.EnvironmentConfig"), { individual_workloads: [{ cpu_mCores: 5 }] }),
    ).toThrow(/unknown field: "cpu_mCores"/);
    const config = root.lookupType("smp.PerformanceTestConfig");
    expect(() => protojson.fromJson(config, { clients: [{ protocol: "http" }] })).toThrow(/unknown enum value/);
    expect(() => protojson.fromJson(root.lookupType("smp.ServiceMeshConfig"), { mesh_type: { type: "istio" } })).toThrow(
      /unknown enum value/,
    );
    expect(() => protojson.fromJson(config, { clients: [{ connections: 1.5 }] })).toThrow(/not an integer/);
    // the reader is not merely rejecting everything
    expect(protojson.toJson(result, protojson.fromJson(result, { actual_qps: 99.5 }))).toEqual({ actualQps: 99.5 });
  });

  it.each(["run-nginx", "run-istio", "run-max"] as const)("%s parses strictly as proto3 JSON and as YAML", (id) => {
    const { run, environment } = exportRun(id);
    const options = {
      detailsUri: `http://localhost:3000/api/reports/export?runs=${id}&format=run`,
      environment: smpEnvironmentOf(run, environment),
    };
    const json = JSON.parse(JSON.stringify(smpDocument(run, { ...options, naming: "json" }))) as JsonObject;
    const yaml = parseYaml(toYaml(smpDocument(run, { ...options, naming: "proto" })), { strict: true }) as JsonObject;
    expect(Object.keys(json)).toEqual([
      "performanceTestConfig",
      "performanceTestResult",
      "serviceMeshConfig",
      "environmentConfig",
    ]);
    expect(Object.keys(yaml)).toEqual([
      "performance_test_config",
      "performance_test_result",
      "service_mesh_config",
      "environment_config",
    ]);
    // each spelling uses only its own field names: lowerCamelCase in JSON, the proto's names in YAML
    expect(spelling(json, camel)).toEqual([]);
    expect(spelling(yaml, (n) => n)).toEqual([]);
    const fromJson = parseStrict(json);
    const fromYaml = parseStrict(yaml);
    // the same messages either way
    expect(fromJson).toEqual(fromYaml);
    const result = fromYaml.performanceTestResult ?? {};
    expect(result.smpVersion).toBe(SMP_VERSION);
    expect(result.actualQps).toBeCloseTo(run.throughput.value ?? Number.NaN, 2);
    expect(result.detailsUri).toBe(options.detailsUri);
    expect(result.testId).toBe(run.id);
    expect(result.meshConfigId).toBe(fromYaml.serviceMeshConfig?.id);
    expect(result.envId).toBe(fromYaml.environmentConfig?.id);
    expect((result.latenciesMs as Record<string, number>).p99).toBeCloseTo((run.summary?.p99Us ?? 0) / 1000, 4);
    expect(result.startTime).toBe(run.startedAt?.toISOString().replace(".000Z", "Z"));
  });

  it("fills the fields MeshBench measured and leaves the others out", () => {
    const [nginx, istio, max] = exportRuns().map(({ run, environment }) =>
      parseYaml(toYaml(smpDocument(run, { environment: smpEnvironmentOf(run, environment) }))),
    ) as Record<string, Record<string, JsonValue>>[];
    // nginx: proxy pair as sidecars, no SMP mesh type; one proxy's CPU unmeasured in no repetition
    expect(nginx?.service_mesh_config?.mesh_type).toBeUndefined();
    expect(nginx?.service_mesh_config?.sidecar).toMatchObject({ count: 2, mem_mb: 17 });
    expect(nginx?.performance_test_config?.clients).toEqual([
      expect.objectContaining({ protocol: "PROTOCOL_HTTP", connections: 8, rps: 200 }),
    ]);
    expect(nginx?.environment_config?.nodes).toEqual([{ cores: 2, mem_mb: 8000 }]);
    expect(nginx?.environment_config?.kubernetes_version).toBeUndefined();
    expect(((nginx?.performance_test_config?.clients ?? []) as JsonObject[])[0]?.endpoint_urls).toEqual([
      "http://127.0.0.1:41234/",
    ]);
    // Istio on a cluster: upper-case mesh type, its control plane, the cluster's version and nodes
    expect(istio?.service_mesh_config?.mesh_type).toEqual({ type: "ISTIO" });
    expect(istio?.service_mesh_config?.mesh_control_plane).toEqual({ count: 1, cpu_mcores: 10, mem_mb: 120 });
    expect(istio?.service_mesh_config?.sidecar).toEqual({ count: 2, cpu_mcores: 150, mem_mb: 98, rps: 100 });
    expect(istio?.environment_config?.kubernetes_version).toBe("v1.31.4");
    // a node's memory the cluster did not report is left out, and so is an unknown machine type
    expect(istio?.environment_config?.nodes).toEqual([{ type: "e2-standard-8", cores: 8, mem_mb: 33668 }, { cores: 4 }]);
    expect(((istio?.performance_test_config?.clients ?? []) as JsonObject[])[0]?.endpoint_urls).toEqual([
      "http://fortio-server.meshbench-abc123.svc:8080/echo?size=1024",
    ]);
    // a run stored before the environment was recorded: only its placement's cores
    expect(max?.environment_config?.nodes).toEqual([{ cores: 2 }]);
    expect(((max?.performance_test_config?.clients ?? []) as JsonObject[])[0]?.endpoint_urls).toBeUndefined();
    // max throughput: no requested rate; an unmeasured CPU figure is absent, never 0
    const client = ((max?.performance_test_config?.clients ?? []) as Record<string, JsonValue>[])[0];
    expect(client?.rps).toBeUndefined();
    const workloads = max?.environment_config?.individual_workloads as Record<string, JsonValue>[];
    expect(workloads.find((w) => w.name === "upstream")).toEqual({ name: "upstream", count: 1, cpu_mcores: 900 });
    expect(JSON.stringify([nginx, istio, max])).not.toMatch(/placeholder|TODO|null|unknown/i);
  });

  it("names Cilium by SMP's enum", () => {
    const { run } = exportRun("run-istio");
    const doc = smpDocument({ ...run, mesh: "cilium" }, { naming: "json" });
    const parsed = parseStrict(doc);
    expect(parsed.serviceMeshConfig).toMatchObject({ meshType: { type: "CILIUM_SERVICE_MESH" } });
    // Cilium's proxy is per node: not a sidecar
    expect((doc.serviceMeshConfig as JsonObject).sidecar).toBeUndefined();
  });
});
