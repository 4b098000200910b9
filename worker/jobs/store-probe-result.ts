/** The worker writes probe results through the runs store, which the web side reads them from. */
export { type ProbeResultOwner, storeProbeResult } from "~/server/runs/store";
