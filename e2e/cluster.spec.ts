import { rmSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { healthyFakeCluster, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeconfigFile, fakeNode } from "~/test/fakes/fake-kube-api";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/** The test environment has no cluster (KUBECONFIG names a file that does not exist, see test/test-env.ts). */
test("the cluster page says 'not connected' and why, when there is no kubeconfig", async ({ page }) => {
  await logIn(page, E2E_VIEWER);
  await page.getByRole("link", { name: "Cluster" }).click();
  await expect(page.getByRole("heading", { name: "Cluster" })).toBeVisible();
  await expect(page.getByTestId("cluster-not-connected")).toHaveText(
    /^Not connected: KUBECONFIG names .*var\/test\/kubeconfig, which does not exist$/,
  );
  await page.getByRole("button", { name: "Check again" }).click();
  await expect(page.getByTestId("cluster-not-connected")).toBeVisible();
});

test("a Kubernetes run without a cluster is refused with the reason, and nothing is stored", async ({ page }) => {
  await logIn(page, E2E_ADMIN);
  await page.goto("/runs/new");
  await page.getByLabel("Backend").selectOption("KUBERNETES");
  await expect(page.getByTestId("backend-hint")).toHaveText(/^Not connected: KUBECONFIG names/);
  // Kubernetes profiles only; the local proxy pairs are gone from the list.
  await expect(page.getByLabel("Mesh profile").locator("option")).toHaveText([
    "Baseline (no mesh)",
    "Istio (sidecar)",
    "Istio ambient",
    "Istio ambient + waypoint",
    "Linkerd",
    "Cilium",
    "Cilium + mutual auth",
    "Consul",
  ]);
  await page.getByLabel("Mesh profile").selectOption("istio");
  const name = `k8s refused ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Kubernetes" })).toHaveText(
    /^Kubernetes not connected: KUBECONFIG names .*which does not exist$/,
  );
  await expect(page).toHaveURL(/\/runs\/new$/);
  await page.goto("/");
  await expect(page.getByText(name)).toHaveCount(0);
});

/**
 * With a cluster: FakeKubernetesApi (a fake; no API server runs here) in this test's process, and
 * the kubeconfig the app and the worker read (test/test-env.ts) pointing at it while the test runs.
 */
test("with a cluster: nodes and meshes on the Cluster page, and a Kubernetes run through the worker", async ({ page }) => {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("the test environment sets KUBECONFIG");
  // Istio's injector, played by the fake: every pod gets an istio-proxy sidecar.
  const api = new FakeKubernetesApi(
    healthyFakeCluster({ container: "istio-proxy", annotations: { "sidecar.istio.io/status": "{}" } }),
  );
  const server = await api.start();
  api.nodes.push(fakeNode("e2e-node-a"), fakeNode("e2e-node-b", { role: "worker" }));
  installFakeMesh(api, "istio", "1.24.2");
  writeFileSync(kubeconfig, fakeKubeconfigFile(server));
  try {
    await logIn(page, E2E_ADMIN);
    await page.goto("/cluster");
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(page.getByTestId("cluster-connected")).toContainText("Kubernetes v1.31.4-fake (linux/amd64) · 2 nodes");
    await expect(page.getByRole("row", { name: /e2e-node-b \(worker\)/ })).toContainText("6.8.0-1021-gcp");
    await expect(page.getByTestId("mesh-istio")).toContainText("installed");
    await expect(page.getByTestId("mesh-istio")).toContainText("1.24.2");
    await expect(page.getByTestId("mesh-linkerd")).toContainText("not installed");

    await page.goto("/runs/new");
    await page.getByLabel("Backend").selectOption("KUBERNETES");
    await expect(page.getByTestId("backend-hint")).toHaveText(`Connected: ${server}, 2 node(s)`);
    await expect(page.getByLabel("Mesh profile").locator("option", { hasText: "Linkerd" })).toHaveText("Linkerd (not installed)");
    await page.getByLabel("Name").fill(`e2e k8s linkerd ${Date.now()}`);
    await page.getByLabel("Mesh profile").selectOption("linkerd");
    await page.getByRole("button", { name: "Start run" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Linkerd" })).toHaveText(
      /^Linkerd is not installed on the cluster: no Deployment linkerd-destination in linkerd/,
    );

    const name = `e2e k8s istio ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Mesh profile").selectOption("istio");
    await expect(page.getByTestId("mesh-hint")).toHaveText("Measures: L7, mTLS, 2 proxy hops");
    // The manifest dry run of the form's spec: every object, the namespace on the cluster's Istio revision.
    await page.getByText("Manifests (dry run)").click();
    await expect(page.getByTestId("manifest-yaml")).toContainText("istio.io/rev: default");
    await expect(page.getByTestId("manifest-yaml")).toContainText("name: fortio-client-3");
    await page.getByLabel("Target rate (req/s)").fill("1000");
    await page.getByLabel("Duration (s)").fill("10");
    await page.getByLabel("Repetitions").fill("1");
    await page.getByLabel("Run-queue latency").check();
    await page.getByRole("button", { name: "Start run" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    // fortio's figures (the fake serves a real fortio JSON log); over time, only CPU and memory
    // charts (from the cluster's cAdvisor, which this Prometheus does not scrape), no latency claimed.
    await expect(page.getByTestId("stat-p50")).toHaveText(/\d+(\.\d+)? (µs|ms)/);
    await expect(page.getByTestId("cluster-run-metrics")).toBeVisible();
    await expect(page.getByTestId("live-cpu")).toContainText("No cAdvisor samples for this run's namespace in Prometheus");
    await expect(page.getByTestId("live-latency")).toHaveCount(0);
    await expect(page.getByTestId("percentile-table")).toContainText("p99.9");
    // What the run measured, and fortio's resolution next to each percentile.
    await expect(page.getByTestId("facts-summary")).toHaveText("L7, mTLS, 2 proxy hops");
    await expect(page.getByTestId("fortio-resolution")).toContainText("(-r 0.00005)");
    await expect(page.getByTestId("percentile-table")).toContainText("±");
    await page.getByText("Manifests (dry run)").click();
    await expect(page.getByTestId("manifest-yaml")).toContainText("kind: Job");
    // The probe ran on the client's and the server's node: one row per node, figures from bpftrace's log.
    const runqlat = page.getByTestId("probe-runqlat");
    await expect(runqlat.getByRole("row", { name: /^1 e2e-node-a/ })).toBeVisible();
    await expect(runqlat.getByRole("row", { name: /^1 e2e-node-b/ })).toBeVisible();
    await expect(runqlat).toContainText("Nodes: e2e-node-b, e2e-node-a");
    // The run's namespace is gone.
    expect(api.deletedNamespaces).toHaveLength(1);
    expect(api.namespaces.has(api.deletedNamespaces[0] ?? "")).toBe(false);
  } finally {
    rmSync(kubeconfig, { force: true });
    await api.stop();
  }
});
