/** The built-in HTTP/1.1 load generator: open loop (fixed rate, no coordinated omission) or closed loop (max). */

export { classifyError, httpErrorKind } from "./errors";
export { ResponseParser, type ResponseSink } from "./http-parser";
export { runLoad } from "./run-load";
export { measuredRange, OpenLoopSchedule } from "./schedule";
export type { LoadIntervalSample, LoadMode, LoadOptions, LoadProgress, LoadResult } from "./types";
