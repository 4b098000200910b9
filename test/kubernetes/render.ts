import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import yaml from "js-yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const KUSTOMIZE_DIR = path.join(ROOT, "deploy/kubernetes");

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** A model class per kind the manifests use: its constructor takes the object, validate() checks it against the schema. */
type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
  // Prometheus Operator CRDs, from the operator's own CRD schemas (@kubernetes-models/prometheus-operator).
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

/** Throws, naming the object, when it has no known schema or breaks it. */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const model = MODELS[key];
  if (!model)
    throw new Error(
      `${key} ${object.metadata.name}: no schema to validate it against (add its model to test/kubernetes/render.ts)`,
    );
  try {
    new model(object as never).validate();
  } catch (error) {
    throw new Error(`${key} ${object.metadata.name} is invalid: ${(error as Error).message}`);
  }
}

/** Fails with what to install when kubectl (with its built-in kustomize) is not there. */
export function requireKubectl(): void {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "kubectl is missing: these tests render deploy/kubernetes with `kubectl kustomize` (kubectl ≥ 1.27, which has kustomize v5 built in). " +
        `Install kubectl from the Kubernetes project's packages (${probe.error?.message ?? probe.stderr.trim()}).`,
    );
  }
}

/** `kubectl kustomize DIR`, parsed. */
export function render(dir: string): KubeObject[] {
  const out = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`kubectl kustomize ${path.relative(ROOT, dir)} failed:\n${out.stderr}`);
  return (yaml.loadAll(out.stdout) as (KubeObject | null)[]).filter((o): o is KubeObject => o !== null);
}

/** Renders the base with the given components, through a throwaway kustomization under var/test. */
export function renderWithComponents(name: string, components: string[]): KubeObject[] {
  const dir = path.join(ROOT, "var/test/kustomize", name);
  mkdirSync(dir, { recursive: true });
  const rel = (p: string) => path.relative(dir, path.join(KUSTOMIZE_DIR, p));
  // Namespace and image tags as the production overlay sets them for its components.
  const production = yaml.load(
    readFileSync(path.join(KUSTOMIZE_DIR, "overlays/production/kustomization.yaml"), "utf8"),
  ) as Record<string, unknown>;
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    namespace: production.namespace,
    images: production.images,
    resources: [rel("base")],
    components: components.map((c) => rel(`components/${c}`)),
  };
  writeFileSync(path.join(dir, "kustomization.yaml"), yaml.dump(kustomization));
  return render(dir);
}

export function find<T = KubeObject>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found as T;
}
