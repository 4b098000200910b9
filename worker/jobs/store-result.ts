/** The worker writes a run's results through the runs store, which the web side reads them from. */
export { runSummary, storeIterationResult } from "~/server/runs/store";
