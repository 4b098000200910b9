import { formatLatencyUs, formatRate } from "../../core/format/units";
import { apiClient, type Connection, call } from "../api";
import { EXIT, type ExitCode } from "../exit-codes";
import { emit } from "../output";

export const LIST_FORMATS = ["text", "json"] as const;

export interface RunsListOptions {
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | undefined;
  mesh: string | undefined;
  limit: number;
  format: (typeof LIST_FORMATS)[number];
  output: string | undefined;
}

/** `meshbench runs list`: the newest runs, one per line (or JSON). */
export async function runsListCommand(connection: Connection, options: RunsListOptions): Promise<ExitCode> {
  const api = apiClient(connection);
  const page = await call("Listing runs", () =>
    api.runs.list.query({
      limit: options.limit,
      status: options.status,
      // The server validates the profile name; a wrong one is a usage error it explains.
      mesh: options.mesh as Parameters<typeof api.runs.list.query>[0]["mesh"],
    }),
  );
  if (options.format === "json") {
    await emit(`${JSON.stringify(page.items, null, 2)}\n`, options.output);
    return EXIT.ok;
  }
  const rows = page.items.map((r) => [
    r.id,
    r.status.toLowerCase(),
    r.mesh,
    formatLatencyUs(r.p50Us),
    formatLatencyUs(r.p99Us),
    formatRate(r.actualQps),
    new Date(r.createdAt).toISOString().replace(/\.\d+Z$/, "Z"),
    r.name,
  ]);
  const header = ["ID", "STATUS", "MESH", "P50", "P99", "THROUGHPUT", "CREATED", "NAME"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  await emit(`${[line(header), ...rows.map(line)].join("\n")}\n`, options.output);
  return EXIT.ok;
}
