import { parseArgs } from "node:util";
import { connectionFromEnv } from "./api";
import { COMPARE_FORMATS, compareCommand } from "./commands/compare";
import { EXPORT_FORMATS, type ExportFormat, exportCommand } from "./commands/export";
import { IMPORT_BACKENDS, IMPORT_HLOG_UNITS, IMPORT_MESHES, IMPORT_OUTPUT_FORMATS, importCommand } from "./commands/import";
import { runCommand } from "./commands/run";
import { LIST_FORMATS, runsListCommand } from "./commands/runs-list";
import { CliError, EXIT, type ExitCode } from "./exit-codes";
import { RUN_FORMATS } from "./report";

export const VERSION = "0.1.0";

export const HELP = `meshbench: run MeshBench benchmarks and gate on their verdicts (for CI)

Usage:
  meshbench run <spec.yaml> [--wait] [--baseline <run id | profile>] [--fail-on-regression]
                            [--format text|json|junit|markdown] [--output FILE]
  meshbench runs list [--status S] [--mesh M] [--limit N] [--format text|json] [--output FILE]
  meshbench compare <run id> <run id>... [--baseline <run id>] [--format text|json|markdown] [--output FILE]
  meshbench export <run id> --format smp-yaml|smp-json|run|hlog|fortio|bmf|openmetrics|json|csv
                            [--output FILE]
  meshbench import <file> [--name NAME] [--mesh M] [--backend LOCAL|KUBERNETES] [--unit ns|us|ms]
                          [--format text|json] [--output FILE]
  meshbench --help | --version

run
  Starts the run the spec file describes (name, spec, optional gates; see the README).
  --wait                 follow the run to its end (progress on stderr)
  --baseline <ref>       judge the run's gates against this run id, or against the run marked as
                         baseline of this profile (mesh name); implies --wait. Without gates in the
                         file, the dashboard's gate is used: p99, at least +5% and +50 µs.
  --fail-on-regression   exit 1 when a gate regressed (otherwise the verdict is only reported)
  --format, --output     how and where to write the report (default: text on stdout)

import
  Uploads another tool's result file: fortio -json output, an HdrHistogram log (.hlog), an SMP
  result (JSON or YAML) or k6's summary JSON; the server reads the format from the content. The run
  is filed under --mesh (default baseline) and --backend (default KUBERNETES) for comparisons and
  gates. --unit gives an .hlog's value unit when its Interval_Max column cannot tell. Needs a token
  with scope "run". A file the server cannot import exits 2 with the reason; nothing is stored.

Environment:
  MESHBENCH_URL          the server, e.g. https://meshbench.example.com
  MESHBENCH_TOKEN        an API token (mb_…) with scope "read" (and "run" to start runs)

Exit status:
  0  passed (or nothing to judge)
  1  a gate found a regression (with --fail-on-regression)
  2  invalid input or usage (bad arguments, spec file, run id or baseline)
  3  the run failed or was cancelled
  4  the server was unreachable, failed, or refused the token (unauthorized or forbidden)
`;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(EXIT.usage, `${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
}

const RUN_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;

/** Parses the command line and runs the command; returns the exit status (never calls process.exit). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<ExitCode> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(EXIT.usage, `${error instanceof Error ? error.message : String(error)}\nRun meshbench --help for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  const usage = (message: string) => new CliError(EXIT.usage, `${message}\nRun meshbench --help for usage.`);
  switch (command) {
    case "run": {
      const [specPath, ...extra] = rest;
      if (!specPath || extra.length > 0) throw usage("meshbench run takes exactly one spec file.");
      const format = pick(values.format, RUN_FORMATS, "--format", "text");
      return runCommand(connectionFromEnv(env), {
        specPath,
        wait: values.wait ?? false,
        baseline: values.baseline,
        failOnRegression: values["fail-on-regression"] ?? false,
        format,
        output: values.output,
        pollMs: 1_000,
      });
    }
    case "runs": {
      if (rest[0] !== "list" || rest.length > 1) throw usage("Did you mean meshbench runs list?");
      const limit = values.limit === undefined ? 25 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usage("--limit must be a whole number from 1 to 100.");
      const status =
        values.status === undefined ? undefined : pick(values.status.toUpperCase(), RUN_STATUSES, "--status", "QUEUED");
      return runsListCommand(connectionFromEnv(env), {
        status,
        mesh: values.mesh,
        limit,
        format: pick(values.format, LIST_FORMATS, "--format", "text"),
        output: values.output,
      });
    }
    case "compare": {
      if (rest.length < 2) throw usage("meshbench compare needs two or more run ids.");
      return compareCommand(connectionFromEnv(env), {
        runIds: rest,
        baseline: values.baseline,
        format: pick(values.format, COMPARE_FORMATS, "--format", "text"),
        output: values.output,
      });
    }
    case "export": {
      const [runId, ...extra] = rest;
      if (!runId || extra.length > 0) throw usage("meshbench export takes exactly one run id.");
      if (values.format === undefined)
        throw usage(`meshbench export needs --format (${Object.keys(EXPORT_FORMATS).join(", ")}).`);
      const format = pick(values.format, Object.keys(EXPORT_FORMATS) as ExportFormat[], "--format", "json");
      return exportCommand(connectionFromEnv(env), { runId, format, output: values.output });
    }
    case "import": {
      const [file, ...extra] = rest;
      if (!file || extra.length > 0) throw usage("meshbench import takes exactly one file.");
      return importCommand(connectionFromEnv(env), {
        file,
        name: values.name,
        mesh: values.mesh === undefined ? undefined : pick(values.mesh, IMPORT_MESHES, "--mesh", "baseline"),
        backend:
          values.backend === undefined
            ? undefined
            : pick(values.backend.toUpperCase(), IMPORT_BACKENDS, "--backend", "KUBERNETES"),
        hlogUnit: values.unit === undefined ? undefined : pick(values.unit, IMPORT_HLOG_UNITS, "--unit", "us"),
        format: pick(values.format, IMPORT_OUTPUT_FORMATS, "--format", "text"),
        output: values.output,
      });
    }
    case undefined:
      process.stderr.write(HELP);
      return EXIT.usage;
    default:
      throw usage(`Unknown command "${command}".`);
  }
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
      wait: { type: "boolean" },
      baseline: { type: "string" },
      "fail-on-regression": { type: "boolean" },
      format: { type: "string" },
      output: { type: "string", short: "o" },
      status: { type: "string" },
      mesh: { type: "string" },
      limit: { type: "string" },
      name: { type: "string" },
      backend: { type: "string" },
      unit: { type: "string" },
    },
  });
}

/** The process's end: the status, and the message of an error on stderr. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<never> {
  let code: ExitCode;
  try {
    code = await main(argv, env);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`meshbench: ${error.message}\n`);
      code = error.exitCode;
    } else {
      process.stderr.write(
        `meshbench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      code = EXIT.usage;
    }
  }
  // Let stdout drain (a piped report) before leaving.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}
