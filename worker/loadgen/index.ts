/** The built-in HTTP/1.1 load generator: open loop (fixed rate, no coordinated omission) or closed loop (max). */
export { runLoad } from "./run-load";
export type { LoadMode, LoadOptions, LoadProgress, LoadResult } from "./types";
export { OpenLoopSchedule, measuredRange } from "./schedule";
export { ResponseParser, type ResponseSink } from "./http-parser";
export { classifyError, httpErrorKind } from "./errors";
