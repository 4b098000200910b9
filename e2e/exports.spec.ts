import { expect, type Page, request, test } from "@playwright/test";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/** tRPC over HTTP as the logged-in page: superjson envelopes, as the app's own client sends them. */
async function trpc<T>(page: Page, method: "GET" | "POST", path: string, input: unknown): Promise<T> {
  const res =
    method === "POST"
      ? await page.request.post(`/api/trpc/${path}`, { data: { json: input } })
      : await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("a viewer downloads a finished run in every format from its page; the JSON Schema is public, the exports are not", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const name = `e2e exports ${Date.now()}`;
  await logIn(page, E2E_ADMIN);
  const { id } = await trpc<{ id: string }>(page, "POST", "runs.create", {
    name,
    spec: {
      mesh: "baseline",
      rate: 100,
      connections: 2,
      durationSeconds: 2,
      warmupSeconds: 1,
      payloadBytes: 128,
      repetitions: 2,
    },
  });
  await expect
    .poll(async () => (await trpc<{ status: string }>(page, "GET", "runs.get", { id })).status, { timeout: 120_000 })
    .toBe("SUCCEEDED");

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await logIn(viewer, E2E_VIEWER);
  await viewer.goto(`/runs/${id}`);
  const menu = viewer.getByTestId("run-exports");
  await menu.getByText("Export").click();
  const links = menu.getByRole("link");
  await expect(links).toHaveCount(9);

  const expected: Record<string, { type: RegExp; file: RegExp }> = {
    "MeshBench JSON": { type: /^application\/json/, file: /-meshbench-run\.json"/ },
    "HdrHistogram log (.hlog)": { type: /^text\/plain/, file: /\.hlog"/ },
    "fortio JSON": { type: /^application\/json/, file: /-fortio\.json"/ },
    "SMP YAML": { type: /^application\/yaml/, file: /-smp\.yaml"/ },
    "SMP JSON": { type: /^application\/json/, file: /-smp\.json"/ },
    "Bencher (BMF)": { type: /^application\/json/, file: /-bmf\.json"/ },
    OpenMetrics: { type: /^application\/openmetrics-text; version=1\.0\.0/, file: /\.om\.txt"/ },
    CSV: { type: /^text\/csv/, file: /\.csv"/ },
  };
  for (const [label, want] of Object.entries(expected)) {
    const href = await menu.getByRole("link", { name: label, exact: true }).getAttribute("href");
    const res = await viewer.request.get(href ?? "");
    expect(res.status(), `${label}: ${await res.text()}`).toBe(200);
    expect(res.headers()["content-type"], label).toMatch(want.type);
    expect(res.headers()["content-disposition"], label).toMatch(want.file);
  }

  // The run JSON names its schema, which anyone can fetch; the run itself needs a login.
  const runJson = (await (await viewer.request.get(`/api/reports/export?runs=${id}&format=run`)).json()) as {
    $schema: string;
    repetitions: unknown[];
  };
  expect(runJson.repetitions).toHaveLength(2);
  const anonymous = await request.newContext({ baseURL });
  const schema = await anonymous.get(new URL(runJson.$schema).pathname);
  expect(schema.status()).toBe(200);
  expect(schema.headers()["content-type"]).toMatch(/^application\/schema\+json/);
  expect(((await schema.json()) as { $schema: string }).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  expect((await anonymous.get(`/api/reports/export?runs=${id}&format=hlog`)).status()).toBe(401);
  // A single-run format asked for two runs is refused with the reason
  const twice = await viewer.request.get(`/api/reports/export?runs=${id},${id}x&format=fortio`);
  expect(twice.status()).toBe(400);
  expect(await twice.text()).toContain("exports one run");
  await anonymous.dispose();
  await context.close();
});
