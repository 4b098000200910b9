import type { MeshProfile } from "~/core/meshes";
import type { ServiceTime } from "~/core/service-time";
import type { Component } from "./component";
import { startEcho } from "./echo";
import { startHaproxy } from "./haproxy";
import { type ProxyConfigInput, startNginx } from "./nginx";
import { freePort, looksLikeAddressInUse } from "./ports";
import { waitForHttpOk, waitForPort } from "./readiness";

export const LOCAL_MESHES = ["baseline", "nginx", "haproxy"] as const satisfies readonly MeshProfile[];
export type LocalMesh = (typeof LOCAL_MESHES)[number];

export function isLocalMesh(mesh: MeshProfile): mesh is LocalMesh {
  return (LOCAL_MESHES as readonly string[]).includes(mesh);
}

export interface TopologyOptions {
  mesh: LocalMesh;
  runDir: string;
  payloadBytes: number;
  /** Added by the upstream to each response (core/service-time.ts). */
  serviceTime?: ServiceTime;
  connections: number;
  readyTimeoutMs: number;
  signal: AbortSignal;
  /** Override the proxy executable (nginx or haproxy, per mesh). */
  proxyBinary?: string;
  /** Called with each process as soon as it exists, so a failure later on can still stop it. */
  track: (component: Component) => Promise<void>;
}

/** Attempts at binding a proxy port another process grabbed between our probe and the bind. */
const BIND_ATTEMPTS = 3;

/**
 * Start the request path for a profile and wait until a GET through all of it answers 200:
 *   baseline: loadgen → upstream
 *   nginx / haproxy: loadgen → proxy-client → proxy-server → upstream
 * Returns the URL the load generator targets.
 */
export async function startTopology(o: TopologyOptions): Promise<string> {
  const upstream = await startEcho({
    runDir: o.runDir,
    payloadBytes: o.payloadBytes,
    serviceTime: o.serviceTime,
    readyTimeoutMs: o.readyTimeoutMs,
    track: o.track,
  });
  let entryPort = upstream.port;
  const started: Component[] = [upstream];
  if (o.mesh !== "baseline") {
    const server = await startProxy(o, "proxy-server", upstream.port, started);
    const client = await startProxy(o, "proxy-client", server.port, started);
    entryPort = client.port;
  }
  const entryUrl = `http://127.0.0.1:${entryPort}/`;
  await waitForHttpOk(entryUrl, {
    timeoutMs: o.readyTimeoutMs,
    signal: o.signal,
    processes: started.map((c) => c.process),
    what: `the ${o.mesh} request path`,
  });
  return entryUrl;
}

async function startProxy(
  o: TopologyOptions,
  name: "proxy-client" | "proxy-server",
  upstreamPort: number,
  started: Component[],
): Promise<Component> {
  for (let attempt = 1; ; attempt++) {
    o.signal.throwIfAborted();
    const input: ProxyConfigInput = {
      runDir: o.runDir,
      name,
      listenPort: await freePort(),
      upstreamPort,
      connections: o.connections,
      runningAsRoot: process.getuid?.() === 0,
      binary: o.proxyBinary,
    };
    const proxy = o.mesh === "nginx" ? await startNginx(input) : await startHaproxy(input);
    await o.track(proxy);
    try {
      await waitForPort("127.0.0.1", proxy.port, {
        timeoutMs: o.readyTimeoutMs,
        signal: o.signal,
        processes: [proxy.process],
        what: proxy.process.name,
      });
      started.push(proxy);
      return proxy;
    } catch (error) {
      // Only a proxy that already died of a taken port is retried; anything else is reported.
      const retry = proxy.process.hasExited && looksLikeAddressInUse(proxy.process.stderrTail()) && attempt < BIND_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}
