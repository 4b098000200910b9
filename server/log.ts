import { format } from "node:util";
import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";
import { env } from "~/server/env";

/**
 * One logger for web and worker. LOG_FORMAT=json writes one JSON object per line through pino:
 * `level` ("info", "warn", "error"), `time` (ISO 8601), `service` ("web" or "worker"), the context
 * fields (`runId`, `job`, `jobId`), `message`, and `err` (type, message, stack) when an error is
 * attached. Otherwise plain lines as a terminal wants them: the text prefix, the message, and an
 * attached error's stack below it; warnings and errors on stderr.
 */

export interface LogFields {
  /** The benchmark run the line is about. */
  runId?: string;
  /** Which kind of job wrote it: "run", "report", "probe-job". */
  job?: string;
  /** The id of the job's row (a report, a probe job). */
  jobId?: string;
  /** An error to attach: its type, message and stack are kept. */
  err?: unknown;
}

type Level = "info" | "warn" | "error";

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields`; in text, `textPrefix` replaces this logger's prefix. */
  child(fields: LogFields, textPrefix: string): Logger;
}

export interface LoggerOptions {
  service: "web" | "worker";
  format: "text" | "json";
  /** Put before each plain line, e.g. "worker: ". */
  textPrefix: string;
  /** Where JSON lines go (default stdout); tests pass their own. */
  destination?: DestinationStream;
}

function textLogger(prefix: string): Logger {
  const write = (level: Level, message: string, fields?: LogFields) => {
    const line = `${prefix}${message}`;
    const out = level === "info" ? console.log : level === "warn" ? console.warn : console.error;
    if (fields?.err === undefined) out(line);
    else out(format("%s\n%O", line, fields.err));
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (_fields, textPrefix) => textLogger(textPrefix),
  };
}

function jsonLogger(base: PinoLogger): Logger {
  const write = (level: Level, message: string, fields?: LogFields) => {
    if (fields) base[level](fields, message);
    else base[level](message);
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => jsonLogger(base.child(fields)),
  };
}

export function createLogger(options: LoggerOptions): Logger {
  if (options.format === "text") return textLogger(options.textPrefix);
  const base = pino(
    {
      base: { service: options.service },
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      // The level's name rather than pino's number: what collectors and people expect to read.
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return jsonLogger(base);
}

let processOptions: Omit<LoggerOptions, "format"> = { service: "web", textPrefix: "" };
let processLogger: Logger | null = null;
const current = (): Logger => {
  processLogger ??= createLogger({ ...processOptions, format: env.LOG_FORMAT });
  return processLogger;
};

/**
 * The process's logger, for code that runs in web and worker alike (server/queue, say): the web's
 * unless the worker's entry called logAsWorker() first.
 */
export const appLog: Logger = {
  info: (m, f) => current().info(m, f),
  warn: (m, f) => current().warn(m, f),
  error: (m, f) => current().error(m, f),
  child: (f, p) => current().child(f, p),
};

/** Makes appLog the worker's: service "worker", plain lines prefixed "worker: ". */
export function logAsWorker(): void {
  processOptions = { service: "worker", textPrefix: "worker: " };
  processLogger = null;
}
