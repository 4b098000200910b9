import { setTimeout as sleep } from "node:timers/promises";
import { DASHBOARD_GATE, type GateResult } from "../../core/gates";
import { type ApiClient, apiClient, type Connection, call } from "../api";
import type { ExitCode } from "../exit-codes";
import { compareUrl, emit, webUrl } from "../output";
import { ProgressReporter } from "../progress";
import { formatRunReport, formatText, outcomeOf, type RunFormat, type RunReport } from "../report";
import { loadSpecFile } from "../spec-file";

export interface RunOptions {
  specPath: string;
  wait: boolean;
  baseline: string | undefined;
  failOnRegression: boolean;
  format: RunFormat;
  output: string | undefined;
  pollMs: number;
}

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
/** Polls that may fail in a row (a restarting server, a blip) before the wait gives up. */
const POLL_FAILURES_TOLERATED = 5;

type RunDetail = Awaited<ReturnType<ApiClient["runs"]["get"]["query"]>>;

async function waitForRun(api: ApiClient, runId: string, pollMs: number): Promise<RunDetail> {
  const progress = new ProgressReporter({
    write: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
  });
  let failures = 0;
  try {
    for (;;) {
      let run: RunDetail;
      try {
        run = await api.runs.get.query({ id: runId });
        failures = 0;
      } catch (error) {
        if (++failures > POLL_FAILURES_TOLERATED) throw error;
        await sleep(pollMs);
        continue;
      }
      progress.update({ status: run.status, progress: run.progress, phase: run.phase });
      if (FINISHED.has(run.status)) return run;
      await sleep(pollMs);
    }
  } finally {
    progress.done();
  }
}

/** `meshbench run spec.yaml …`: start a run; with --wait, follow it and judge its gates. */
export async function runCommand(connection: Connection, options: RunOptions): Promise<ExitCode> {
  const file = await loadSpecFile(options.specPath);
  // A baseline without gates in the file is judged by the dashboard's gate, so the two agree.
  const gates = file.gates ?? (options.baseline ? [DASHBOARD_GATE] : null);
  const wait = options.wait || options.baseline !== undefined;
  const api = apiClient(connection);
  const created = await call("Starting the run", () => api.runs.create.mutate({ name: file.name, spec: file.spec }));
  process.stderr.write(`run ${created.id} queued: ${webUrl(connection.url, `runs/${created.id}`)}\n`);

  const run = wait
    ? await call("Following the run", () => waitForRun(api, created.id, options.pollMs))
    : await call("Reading the run", () => api.runs.get.query({ id: created.id }));

  let judged: { results: GateResult[]; differences: string[]; baselineRunId: string; baselineName: string } | null = null;
  if (run.status === "SUCCEEDED" && options.baseline !== undefined && gates) {
    const baseline = options.baseline;
    judged = await call("Judging the gates", () => api.compare.gates.query({ runId: run.id, baseline, gates }));
  }
  const { outcome, exitCode } = outcomeOf(wait ? run.status : "QUEUED", judged?.results ?? null, options.failOnRegression);
  const report: RunReport = {
    run: {
      id: run.id,
      name: run.name,
      url: webUrl(connection.url, `runs/${run.id}`),
      status: run.status,
      error: run.error,
      mesh: run.mesh,
      backend: run.backend,
      repetitions: run.spec?.repetitions ?? null,
      serviceTime: run.spec?.serviceTime,
      p50Us: run.summary?.p50Us ?? null,
      p99Us: run.summary?.p99Us ?? null,
      p999Us: run.summary?.p999Us ?? null,
      throughputRps: run.actualQps ?? null,
    },
    baseline: judged
      ? { id: judged.baselineRunId, name: judged.baselineName, url: webUrl(connection.url, `runs/${judged.baselineRunId}`) }
      : null,
    gates: judged?.results ?? null,
    differences: judged?.differences ?? [],
    compareUrl: judged ? compareUrl(connection.url, [run.id, judged.baselineRunId], judged.baselineRunId) : null,
    outcome,
    exitCode,
  };
  await emit(formatRunReport(report, options.format), options.output);
  // With the report in a file, the CI log still says what happened.
  if (options.output) process.stdout.write(formatText(report));
  if (outcome === "regressed" && !options.failOnRegression) {
    process.stderr.write("A gate regressed; without --fail-on-regression the exit status stays 0.\n");
  }
  return exitCode;
}
