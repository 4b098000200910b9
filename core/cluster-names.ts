/**
 * Names of what a run creates on a cluster. Shared by the worker (which creates the objects) and
 * the web (which finds their cAdvisor series for the run page's live charts). Pure.
 */
export const SERVER_NAME = "fortio-server";
export const CLIENT_NAME = "fortio-client";

/** The lowercase tail of the run id (a cuid's random block): short, DNS-safe and unique enough. */
export function shortRunId(runId: string): string {
  const clean = runId.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (clean.length === 0) throw new Error(`run id ${JSON.stringify(runId)} has no usable characters`);
  return clean.slice(-10);
}

export function runNamespaceName(runId: string): string {
  return `meshbench-${shortRunId(runId)}`;
}

/** The busybox container of a client pod that drives fortio over loopback and returns its JSON. */
export const DRIVER_NAME = "fortio-driver";
