import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/** The test environment has no cluster (KUBECONFIG names a file that does not exist, see test/test-env.ts). */
test("the cluster page says 'not connected' and why, when there is no kubeconfig", async ({ page }) => {
  await logIn(page, E2E_VIEWER);
  await page.getByRole("link", { name: "Cluster" }).click();
  await expect(page.getByRole("heading", { name: "Cluster" })).toBeVisible();
  await expect(page.getByTestId("cluster-not-connected")).toHaveText(
    /^Not connected: KUBECONFIG names .*no-cluster\.kubeconfig, which does not exist$/,
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
    "Linkerd",
    "Cilium",
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
