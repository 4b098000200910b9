import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KUBERNETES_MESHES } from "~/core/kubernetes-meshes";
import { DEFAULT_RUN_LIMITS } from "~/core/spec";
import { prometheusRuleYaml, ruleGroups } from "~/scripts/generate-prometheus-rule";
import { readClusterStatus } from "~/server/cluster/cluster-status";
import { clusterRunRefusal } from "~/server/cluster/run-admission";
import { healthyFakeCluster, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";
import { allowed, type Endpoint, matches, type Policy } from "~/test/kubernetes/network-policy";
import { accessOf, grants } from "~/test/kubernetes/rbac-access";
import {
  find,
  KUSTOMIZE_DIR,
  type KubeObject,
  ROOT,
  render,
  renderWithComponents,
  requireKubectl,
  validateObject,
} from "~/test/kubernetes/render";
import { FORTIO_PORT, LABEL_MANAGED_BY } from "~/worker/backends/kubernetes/manifests";

/**
 * deploy/kubernetes rendered the way a user applies it (`kubectl kustomize`), every object
 * validated against its schema, and what the issue asks of it asserted on the rendered objects.
 */

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodSpec {
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  hostPID?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
}
interface PodOwner {
  owner: string;
  labels: Record<string, string>;
  spec: PodSpec;
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const OVERLAYS = readdirSync(path.join(KUSTOMIZE_DIR, "overlays")).sort();
const COMPONENTS = readdirSync(path.join(KUSTOMIZE_DIR, "components")).sort();
/** Secret values: these may only ever reach a container through a secretKeyRef. */
const SECRET_NAMES = [
  "DATABASE_URL",
  "REDIS_URL",
  "NEXTAUTH_SECRET",
  "METRICS_TOKEN",
  "ADMIN_PASSWORD",
  "POSTGRES_PASSWORD",
  "AWS_SECRET_ACCESS_KEY",
];

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}
interface Workload {
  template?: PodTemplate;
  jobTemplate?: { spec: { template: PodTemplate } };
}

function podOwners(objects: KubeObject[]): PodOwner[] {
  const out: PodOwner[] = [];
  for (const o of objects) {
    const spec = o.spec as Workload | undefined;
    let template: PodTemplate | undefined;
    if (["Deployment", "StatefulSet", "Job"].includes(o.kind)) template = spec?.template;
    if (o.kind === "CronJob") template = spec?.jobTemplate?.spec.template;
    if (template)
      out.push({ owner: `${o.kind}/${o.metadata.name}`, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return out;
}
const containersOf = (p: PodOwner) => [...(p.spec.initContainers ?? []), ...p.spec.containers];
const configMap = (objects: KubeObject[], prefix: string) =>
  objects.find((o) => o.kind === "ConfigMap" && new RegExp(`^${prefix}-[a-z0-9]{10}$`).test(o.metadata.name)) as KubeObject & {
    data: Record<string, string>;
  };
const pod = (objects: KubeObject[], name: string) => {
  const found = podOwners(objects).find((p) => p.owner.endsWith(`/${name}`));
  if (!found) throw new Error(`no workload ${name}`);
  return found;
};

const renders = new Map<string, KubeObject[]>();
beforeAll(() => {
  requireKubectl();
  renders.set("base", render(path.join(KUSTOMIZE_DIR, "base")));
  for (const overlay of OVERLAYS) renders.set(`overlays/${overlay}`, render(path.join(KUSTOMIZE_DIR, "overlays", overlay)));
  // Every component at once, so those no overlay uses are rendered and validated too.
  renders.set("all components", renderWithComponents("all-components", COMPONENTS));
});
const each = () => [...renders.entries()];
const overlays = () => each().filter(([name]) => name.startsWith("overlays/"));

describe("deploy/kubernetes (kubectl kustomize)", () => {
  it("has the dev and production overlays, and every render is non-trivial", () => {
    expect(OVERLAYS).toEqual(expect.arrayContaining(["dev", "production"]));
    for (const [name, objects] of each()) {
      for (const kind of ["Namespace", "Deployment", "Service", "Ingress", "Job", "NetworkPolicy", "ServiceAccount"]) {
        expect(
          objects.some((o) => o.kind === kind),
          `${name} has a ${kind}`,
        ).toBe(true);
      }
    }
  });

  it("renders objects that each validate against their Kubernetes or CRD schema", () => {
    for (const [name, objects] of each()) {
      for (const object of objects) expect(() => validateObject(object), name).not.toThrow();
    }
  });

  it("puts everything namespaced in the meshbench namespace", () => {
    const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"];
    for (const [name, objects] of each()) {
      for (const o of objects.filter((x) => !clusterScoped.includes(x.kind))) {
        expect(o.metadata.namespace, `${name}: ${o.kind}/${o.metadata.name}`).toBe("meshbench");
      }
    }
  });

  it("commits no Secret and no secret value: secrets reach containers only through secretKeyRef", () => {
    for (const [name, objects] of each()) {
      expect(
        objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name),
        name,
      ).toEqual([]);
      for (const cm of objects.filter((o) => o.kind === "ConfigMap")) {
        const keys = Object.keys((cm.data as Record<string, string>) ?? {});
        expect(
          keys.filter((k) => SECRET_NAMES.includes(k)),
          `${name}: ConfigMap ${cm.metadata.name}`,
        ).toEqual([]);
      }
      for (const p of podOwners(objects)) {
        for (const c of containersOf(p)) {
          for (const e of c.env ?? []) {
            if (SECRET_NAMES.includes(e.name))
              expect(e.valueFrom?.secretKeyRef, `${name}: ${p.owner} ${c.name} ${e.name}`).toBeDefined();
          }
        }
      }
    }
    // And nothing under deploy/ or k8s/ spells out a Secret.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)],
      );
    for (const file of [...files(KUSTOMIZE_DIR), ...files(path.join(ROOT, "k8s"))]) {
      expect(readFileSync(file, "utf8"), file).not.toMatch(/^kind:\s*Secret\b|^\s*(stringData|data):\s*$/m);
    }
  });

  it("references exactly the Secret keys the issue names, for web and worker", () => {
    for (const [name, objects] of overlays()) {
      const refs = (workload: string) =>
        Object.fromEntries(
          containersOf(pod(objects, workload)).flatMap((c) =>
            (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom?.secretKeyRef?.name]),
          ),
        );
      expect(refs("meshbench-web"), name).toMatchObject({
        DATABASE_URL: "meshbench-secrets",
        REDIS_URL: "meshbench-secrets",
        NEXTAUTH_SECRET: "meshbench-secrets",
      });
      expect(refs("meshbench-worker"), name).toMatchObject({ DATABASE_URL: "meshbench-secrets", REDIS_URL: "meshbench-secrets" });
    }
  });

  it("runs every container non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp", () => {
    for (const [name, objects] of each()) {
      const ebpf = name === "all components";
      for (const p of podOwners(objects)) {
        // components/worker-local-ebpf is the one documented exception (asserted below).
        if (ebpf && p.owner === "Deployment/meshbench-worker") continue;
        expect(p.spec.securityContext?.runAsNonRoot, `${name}: ${p.owner}`).toBe(true);
        expect(p.spec.securityContext?.runAsUser, `${name}: ${p.owner}`).toBeGreaterThan(0);
        expect(p.spec.securityContext?.seccompProfile?.type, `${name}: ${p.owner}`).toBe("RuntimeDefault");
        expect(p.spec.hostPID, `${name}: ${p.owner}`).toBeUndefined();
        for (const c of containersOf(p)) {
          expect(c.securityContext, `${name}: ${p.owner} ${c.name}`).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
        }
      }
    }
  });

  it("gives the worker kernel privileges only with components/worker-local-ebpf, and lowers Pod Security only then", () => {
    for (const [name, objects] of each()) {
      const ns = find(objects, "Namespace", "meshbench");
      const worker = pod(objects, "meshbench-worker");
      if (name === "all components") {
        expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
        expect(worker.spec.containers[0]?.securityContext?.privileged).toBe(true);
        expect(worker.spec.securityContext?.runAsUser).toBe(0);
        expect(worker.spec.hostPID).toBe(true);
      } else {
        expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], name).toBe("restricted");
      }
    }
  });

  it("sets CPU and memory requests and limits on every container", () => {
    for (const [name, objects] of each()) {
      for (const p of podOwners(objects)) {
        for (const c of containersOf(p)) {
          const where = `${name}: ${p.owner} ${c.name}`;
          expect(Object.keys(c.resources?.requests ?? {}).sort(), where).toEqual(["cpu", "memory"]);
          expect(Object.keys(c.resources?.limits ?? {}).sort(), where).toEqual(["cpu", "memory"]);
        }
      }
    }
  });

  it("uses the images of this release", () => {
    for (const [name, objects] of each()) {
      const images = new Set(podOwners(objects).flatMap((p) => containersOf(p).map((c) => c.image)));
      const ours = [...images].filter((i) => i.startsWith("meshbench/"));
      expect(ours.sort(), name).toEqual(
        [`meshbench/web:${pkg.version}`, `meshbench/worker:${pkg.version}`].filter((i) => ours.includes(i)),
      );
      expect(ours, name).toContain(`meshbench/worker:${pkg.version}`);
      expect(ours, name).toContain(`meshbench/web:${pkg.version}`);
    }
  });

  it("probes the web's live and ready endpoints, and the worker's on its metrics port", () => {
    // The paths exist: the web's route handlers and the worker's metrics server.
    for (const route of ["live", "ready"])
      expect(existsSync(path.join(ROOT, `app/api/health/${route}/route.ts`)), route).toBe(true);
    const workerMetrics = readFileSync(path.join(ROOT, "worker/metrics.ts"), "utf8");
    for (const p of ["/health/live", "/health/ready"]) expect(workerMetrics).toContain(`"${p}"`);
    for (const [name, objects] of each()) {
      const web = pod(objects, "meshbench-web").spec.containers[0] as Container;
      expect(web.livenessProbe?.httpGet, name).toEqual({ path: "/api/health/live", port: "http" });
      expect(web.readinessProbe?.httpGet, name).toEqual({ path: "/api/health/ready", port: "http" });
      expect(web.ports?.find((p) => p.name === "http")?.containerPort, name).toBe(3000);

      const worker = pod(objects, "meshbench-worker").spec.containers[0] as Container;
      expect(worker.livenessProbe?.httpGet, name).toEqual({ path: "/health/live", port: "metrics" });
      expect(worker.readinessProbe?.httpGet, name).toEqual({ path: "/health/ready", port: "metrics" });
      const metricsPort = Number(configMap(objects, "meshbench-config").data.WORKER_METRICS_PORT);
      expect(worker.ports?.find((p) => p.name === "metrics")?.containerPort, name).toBe(metricsPort);
    }
  });

  it("gives the worker a termination grace longer than the longest run it accepts", () => {
    for (const [name, objects] of each()) {
      const maxRunSeconds = Number(configMap(objects, "meshbench-config").data.MAX_RUN_SECONDS);
      expect(maxRunSeconds, name).toBeGreaterThanOrEqual(DEFAULT_RUN_LIMITS.maxRunSeconds);
      const grace = pod(objects, "meshbench-worker").spec.terminationGracePeriodSeconds ?? 30;
      expect(grace, name).toBeGreaterThan(maxRunSeconds);
    }
  });

  it("binds the worker's ServiceAccount to k8s/rbac's ClusterRole itself, and gives the web a read-only subset", () => {
    const fromFile = (yaml.loadAll(readFileSync(path.join(ROOT, "k8s/rbac/worker-rbac.yaml"), "utf8")) as KubeObject[]).find(
      (o) => o.kind === "ClusterRole",
    ) as KubeObject & { rules: unknown };
    type Rules = { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    for (const [name, objects] of each()) {
      const worker = pod(objects, "meshbench-worker");
      const binding = find<{ roleRef: { name: string }; subjects: { kind: string; name: string; namespace: string }[] }>(
        objects,
        "ClusterRoleBinding",
        "meshbench-worker",
      );
      expect(binding.subjects, name).toEqual([
        { kind: "ServiceAccount", name: worker.spec.serviceAccountName, namespace: "meshbench" },
      ]);
      expect(find<{ rules: unknown }>(objects, "ClusterRole", binding.roleRef.name).rules, name).toEqual(fromFile.rules);

      const web = pod(objects, "meshbench-web");
      const webBinding = find<{ roleRef: { name: string }; subjects: { name: string }[] }>(
        objects,
        "ClusterRoleBinding",
        "meshbench-web",
      );
      expect(webBinding.subjects.map((s) => s.name)).toEqual([web.spec.serviceAccountName]);
      const webRules = find<{ rules: Rules }>(objects, "ClusterRole", webBinding.roleRef.name).rules;
      const workerRules = fromFile.rules as Rules;
      for (const rule of webRules) {
        for (const verb of rule.verbs) expect(["get", "list"], `${name}: web verb ${verb}`).toContain(verb);
        for (const group of rule.apiGroups)
          for (const resource of rule.resources)
            for (const verb of rule.verbs) {
              const grantedToWorker = workerRules.some(
                (w) => w.apiGroups.includes(group) && w.resources.includes(resource) && w.verbs.includes(verb),
              );
              expect(
                grantedToWorker,
                `${name}: web may ${verb} ${group}/${resource}, which the worker's role does not grant`,
              ).toBe(true);
            }
      }
    }
  });

  it("runs migrations as a Job with the same runner npm start uses, before and apart from the app's containers", () => {
    const startScript = readFileSync(path.join(ROOT, "scripts/start.sh"), "utf8");
    expect(startScript).toContain("scripts/prepare.ts");
    for (const [name, objects] of each()) {
      const job = pod(objects, "meshbench-migrate");
      const container = job.spec.containers[0] as Container;
      expect(container.args, name).toEqual(["node", "--import", "tsx", "scripts/prepare.ts"]);
      expect(container.command, name).toBeUndefined();
      expect(container.image, name).toBe(`meshbench/worker:${pkg.version}`);
      const seed =
        (container.env ?? []).find((e) => e.name === "SEED_DEMO_RUNS")?.value ??
        configMap(objects, "meshbench-config").data.SEED_DEMO_RUNS;
      expect(seed, name).toBe("false");
      // Not at container start: the worker only checks the schema (server/db/migrate.ts, requireMigrated).
      expect(configMap(objects, "meshbench-config").data.MIGRATE_ON_START, name).toBe("false");
      // docs/operations.md applies `-l 'app.kubernetes.io/component notin (web,worker)'` first: that
      // must bring the Job and everything it needs, and none of the app's pods.
      const early = objects.filter((o) => !["web", "worker"].includes(o.metadata.labels?.["app.kubernetes.io/component"] ?? ""));
      expect(
        early.some((o) => o.kind === "Job" && o.metadata.name === "meshbench-migrate"),
        name,
      ).toBe(true);
      expect(
        early.some((o) => o === configMap(objects, "meshbench-config")),
        name,
      ).toBe(true);
      expect(
        early.some((o) => o.kind === "Namespace"),
        name,
      ).toBe(true);
      expect(
        early.filter((o) => o.kind === "Deployment" && o.metadata.name.match(/^meshbench-(web|worker)$/)),
        name,
      ).toEqual([]);
    }
  });

  it("routes the Ingress to the web Service, and the Service to the web pods' http port", () => {
    for (const [name, objects] of each()) {
      const ingress = find<{
        spec: { rules: { http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] };
      }>(objects, "Ingress", "meshbench-web");
      const backend = ingress.spec.rules[0]?.http.paths[0]?.backend.service;
      const service = find<{ spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] } }>(
        objects,
        "Service",
        backend?.name ?? "",
      );
      expect(service.spec.ports.find((p) => p.name === backend?.port.name)?.targetPort, name).toBe("http");
      expect(matches({ matchLabels: service.spec.selector }, pod(objects, "meshbench-web").labels), name).toBe(true);
    }
  });
});

describe("deploy/kubernetes web RBAC, replayed", () => {
  let api: FakeKubernetesApi | null = null;
  afterEach(async () => {
    await api?.stop();
    api = null;
  });

  it("allows every request the Cluster page and run admission make, with every mesh installed", async () => {
    api = new FakeKubernetesApi(healthyFakeCluster());
    const kubeConfig = fakeKubeConfig(await api.start());
    api.nodes.push(fakeNode("node-a"));
    for (const mesh of KUBERNETES_MESHES) installFakeMesh(api, mesh);
    const status = await readClusterStatus({ kubeConfig });
    expect(status.connected).toBe(true);
    for (const mesh of KUBERNETES_MESHES) await clusterRunRefusal(mesh, status);

    const objects = renders.get("overlays/production") ?? [];
    const rules = find<{ rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }>(
      objects,
      "ClusterRole",
      "meshbench-web",
    ).rules;
    const used = api.requests.map(accessOf).filter((a) => a !== null);
    expect(used.length).toBeGreaterThan(3);
    expect([
      ...new Set(used.filter((a) => !grants(rules, a)).map((a) => `${a.verb} ${a.group || "core"}/${a.resource}`)),
    ]).toEqual([]);
  });
});

describe("deploy/kubernetes network policies", () => {
  const NS = "meshbench";
  const nsLabels = { "kubernetes.io/metadata.name": NS };
  const ours = (objects: KubeObject[], workload: string): Endpoint => ({
    pod: pod(objects, workload).labels,
    namespace: NS,
    namespaceLabels: nsLabels,
  });
  const ingressController: Endpoint = {
    pod: { "app.kubernetes.io/name": "ingress-nginx" },
    namespace: "ingress-nginx",
    namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
  };
  const otherPod: Endpoint = {
    pod: { app: "anything" },
    namespace: "default",
    namespaceLabels: { "kubernetes.io/metadata.name": "default" },
  };
  const prometheus: Endpoint = {
    pod: { app: "prometheus" },
    namespace: "monitoring",
    namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
  };
  const dns: Endpoint = {
    pod: { "k8s-app": "kube-dns" },
    namespace: "kube-system",
    namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" },
  };
  const fortio: Endpoint = {
    pod: { app: "fortio-server" },
    namespace: "meshbench-abc123",
    namespaceLabels: { "kubernetes.io/metadata.name": "meshbench-abc123", [LABEL_MANAGED_BY]: "meshbench" },
  };
  const external: Endpoint = { external: true };
  const policies = (objects: KubeObject[]) => objects.filter((o) => o.kind === "NetworkPolicy") as unknown as Policy[];

  it("deny by default, and let the web be reached from the ingress controller only (and Prometheus with monitoring)", () => {
    for (const [name, objects] of each()) {
      const p = policies(objects);
      const monitored = objects.some((o) => o.kind === "ServiceMonitor");
      expect(allowed(p, ingressController, ours(objects, "meshbench-web"), 3000), name).toBe(true);
      expect(allowed(p, otherPod, ours(objects, "meshbench-web"), 3000), name).toBe(false);
      expect(allowed(p, ours(objects, "meshbench-worker"), ours(objects, "meshbench-web"), 3000), name).toBe(false);
      expect(allowed(p, prometheus, ours(objects, "meshbench-web"), 3000), name).toBe(monitored);
      // Nothing but the web is reachable from the ingress controller.
      expect(allowed(p, ingressController, ours(objects, "meshbench-worker"), 9464), name).toBe(false);
      expect(allowed(p, otherPod, ours(objects, "meshbench-worker"), 9464), name).toBe(false);
      expect(allowed(p, prometheus, ours(objects, "meshbench-worker"), 9464), name).toBe(monitored);
    }
  });

  it("let the worker reach DNS, the API server, PostgreSQL, Redis and its fortio pods, and nothing else", () => {
    for (const [name, objects] of each()) {
      const p = policies(objects);
      const worker = ours(objects, "meshbench-worker");
      expect(allowed(p, worker, dns, 53, "UDP"), name).toBe(true);
      expect(allowed(p, worker, external, 443), `${name}: API server`).toBe(true);
      expect(allowed(p, worker, external, 5432), `${name}: PostgreSQL`).toBe(true);
      expect(allowed(p, worker, external, 6379), `${name}: Redis`).toBe(true);
      expect(allowed(p, worker, fortio, FORTIO_PORT), `${name}: fortio`).toBe(true);
      expect(allowed(p, worker, otherPod, FORTIO_PORT), name).toBe(false);
      expect(allowed(p, worker, external, 80), name).toBe(false);
      expect(allowed(p, worker, external, 22), name).toBe(false);
      // The web has no business with the fortio pods.
      expect(allowed(p, ours(objects, "meshbench-web"), fortio, FORTIO_PORT), name).toBe(false);
    }
  });

  it("let the migrations Job reach PostgreSQL only, and the in-cluster PostgreSQL and Redis only MeshBench's pods", () => {
    for (const [name, objects] of each()) {
      const p = policies(objects);
      const migrate = ours(objects, "meshbench-migrate");
      expect(allowed(p, migrate, external, 5432), name).toBe(true);
      expect(allowed(p, migrate, external, 6379), name).toBe(false);
      expect(allowed(p, migrate, external, 443), name).toBe(false);
      const upload = objects.some((o) => o.kind === "NetworkPolicy" && o.metadata.name === "meshbench-backup-upload");
      if (objects.some((o) => o.kind === "CronJob"))
        expect(allowed(p, ours(objects, "meshbench-backup"), external, 443), name).toBe(upload);
      if (objects.some((o) => o.kind === "StatefulSet" && o.metadata.name === "meshbench-postgres")) {
        const postgres = ours(objects, "meshbench-postgres");
        expect(allowed(p, ours(objects, "meshbench-worker"), postgres, 5432), name).toBe(true);
        expect(allowed(p, ours(objects, "meshbench-migrate"), postgres, 5432), name).toBe(true);
        expect(allowed(p, ingressController, postgres, 5432), name).toBe(false);
        expect(allowed(p, postgres, external, 443), name).toBe(false);
      }
      if (objects.some((o) => o.kind === "Deployment" && o.metadata.name === "meshbench-redis")) {
        const redis = ours(objects, "meshbench-redis");
        expect(allowed(p, ours(objects, "meshbench-web"), redis, 6379), name).toBe(true);
        expect(allowed(p, otherPod, redis, 6379), name).toBe(false);
      }
    }
  });
});

describe("deploy/kubernetes monitoring and backups", () => {
  it("carries monitoring/rules unchanged in the PrometheusRule, and the committed file is what the generator writes", () => {
    const committed = readFileSync(path.join(KUSTOMIZE_DIR, "components/monitoring/prometheus-rule.yaml"), "utf8");
    // The same document (the file is then biome-formatted, so quoting may differ from the generator's).
    expect(yaml.load(committed), "run: npx tsx scripts/generate-prometheus-rule.ts").toEqual(
      yaml.load(prometheusRuleYaml(ruleGroups())),
    );
    expect(committed.split("\n")[0]).toContain("Generated from monitoring/rules");
    const objects = renders.get("overlays/production") ?? [];
    const rule = find<{ spec: { groups: unknown[] } }>(objects, "PrometheusRule", "meshbench");
    expect(rule.spec.groups).toEqual(ruleGroups());
    expect(rule.spec.groups.length).toBeGreaterThan(0);
  });

  it("labels scraped targets with the job and env the rules select", () => {
    const objects = renders.get("overlays/production") ?? [];
    const relabels = (endpoints: { relabelings?: { targetLabel: string; replacement: string }[] }[]) =>
      Object.fromEntries((endpoints[0]?.relabelings ?? []).map((r) => [r.targetLabel, r.replacement]));
    const web = find<{ spec: { endpoints: never[]; selector: { matchLabels: Record<string, string> } } }>(
      objects,
      "ServiceMonitor",
      "meshbench-web",
    );
    const worker = find<{ spec: { podMetricsEndpoints: never[]; selector: { matchLabels: Record<string, string> } } }>(
      objects,
      "PodMonitor",
      "meshbench-worker",
    );
    const jobs = new Set([relabels(web.spec.endpoints).job, relabels(worker.spec.podMetricsEndpoints).job]);
    expect(relabels(web.spec.endpoints).env).toBe("app");
    expect(relabels(worker.spec.podMetricsEndpoints).env).toBe("app");
    const rulesText = JSON.stringify(ruleGroups());
    const selected = [...rulesText.matchAll(/job=\\"([^\\]+)\\"/g)].map((m) => m[1]);
    expect(selected.length).toBeGreaterThan(0);
    for (const job of selected) expect(jobs, `a monitor labels job="${job}"`).toContain(job);
    expect(matches(worker.spec.selector, pod(objects, "meshbench-worker").labels)).toBe(true);
  });

  it("backs up nightly with the very script npm run backup runs, into a volume, with retention", () => {
    const script = readFileSync(path.join(ROOT, "scripts/backup.sh"), "utf8");
    for (const [name, objects] of each().filter(([, o]) => o.some((x) => x.kind === "CronJob"))) {
      const cron = pod(objects, "meshbench-backup");
      const dump = (cron.spec.initContainers ?? []).find((c) => c.name === "dump");
      expect(dump?.command, name).toEqual(["bash", "/script/backup.sh"]);
      expect(dump?.image, name).toMatch(/^postgres:\d+/);
      const volumes = (cron.spec as unknown as { volumes: { name: string; configMap?: { name: string } }[] }).volumes;
      const scriptMap = find<{ data: Record<string, string> }>(
        objects,
        "ConfigMap",
        volumes.find((v) => v.name === "script")?.configMap?.name ?? "",
      );
      expect(scriptMap.data["backup.sh"], name).toBe(script);
      const backupConfig = configMap(objects, "meshbench-backup").data;
      expect(Number(backupConfig.BACKUP_KEEP), name).toBeGreaterThan(0);
      expect(backupConfig.BACKUP_DIR, name).toBe("/backups");
      expect(
        volumes.find((v) => v.name === "backups"),
        name,
      ).toMatchObject({ persistentVolumeClaim: { claimName: "meshbench-backups" } });
    }
  });
});
