/** The CLI's exit statuses: a CI job branches on them, so each means one thing. */
export const EXIT = {
  /** Done; every gate passed (or no gate was asked for). */
  ok: 0,
  /** A gate found a regression (with --fail-on-regression). */
  regression: 1,
  /** The command line, the spec file or an id was invalid; the server refused the input. */
  usage: 2,
  /** The run failed or was cancelled. */
  runFailed: 3,
  /** The server could not be reached, answered with an error of its own, or refused the token. */
  unreachable: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a given exit status and a message for stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
