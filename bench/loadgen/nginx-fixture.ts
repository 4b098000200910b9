import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";
import { onCleanup } from "~/bench/lib/cleanup";
import { waitForHttp } from "~/bench/lib/http-ready";
import { sleep } from "~/bench/lib/spawn";
import { NGINX_BIN } from "~/worker/backends/local/nginx";
import { freePort } from "~/worker/backends/local/ports";
import { childPids } from "~/worker/backends/local/proc";

/** The fixed small body every request gets (64 bytes). */
export const FIXED_BODY = "meshbench fixed body: 64 bytes of payload for the loadgen bench.\n".slice(0, 64);

/**
 * Debian's nginx answering every request with the same 64-byte body from memory (`return 200`),
 * one worker process. Two listeners: `plainUrl` logs nothing (throughput, latency), `loggedUrl`
 * writes one `$msec` line per request, the server-side clock for rate accuracy.
 */
export interface NginxFixture {
  plainUrl: string;
  loggedUrl: string;
  accessLog: string;
  /** The worker process (the one to SIGSTOP for a stall). */
  workerPid(): Promise<number>;
  /** Make nginx write its buffered access log (SIGUSR1 = reopen logs, which flushes). */
  flushLog(): Promise<void>;
  /** Current size of the access log: where the next run's lines start. */
  logOffset(): Promise<number>;
  stop(): Promise<void>;
}

export function fixtureConfig(dir: string, plainPort: number, loggedPort: number, asRoot: boolean): string {
  const q = (s: string) => JSON.stringify(s);
  const tmp = (what: string) => q(path.join(dir, "tmp", what));
  const location = `location / { default_type text/plain; return 200 ${q(FIXED_BODY)}; }`;
  return `worker_processes 1;
${asRoot ? "user root;\n" : ""}pid ${q(path.join(dir, "nginx.pid"))};
error_log stderr warn;
events { worker_connections 8192; accept_mutex off; }
http {
  access_log off;
  client_body_temp_path ${tmp("body")};
  proxy_temp_path ${tmp("proxy")};
  fastcgi_temp_path ${tmp("fastcgi")};
  uwsgi_temp_path ${tmp("uwsgi")};
  scgi_temp_path ${tmp("scgi")};
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  log_format msec '$msec';
  server { listen 127.0.0.1:${plainPort}; ${location} }
  server {
    listen 127.0.0.1:${loggedPort};
    access_log ${q(path.join(dir, "access.log"))} msec buffer=256k flush=1s;
    ${location}
  }
}
`;
}

export async function startNginxFixture(dir: string): Promise<NginxFixture> {
  await mkdir(path.join(dir, "tmp"), { recursive: true });
  const [plainPort, loggedPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, "nginx.conf");
  const accessLog = path.join(dir, "access.log");
  await writeFile(conf, fixtureConfig(dir, plainPort, loggedPort, process.getuid?.() === 0));
  await writeFile(accessLog, "");
  const child: ChildProcess = spawn(NGINX_BIN, ["-e", "stderr", "-p", `${dir}/`, "-c", conf, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    child.kill("SIGCONT"); // never leave it stopped
    const worker = child.pid ? await childPids(child.pid) : [];
    for (const pid of worker) process.kill(pid, "SIGCONT");
    child.kill("SIGTERM");
    await Promise.race([exit, sleep(3_000)]);
    if (!exited) child.kill("SIGKILL");
  };
  const unregister = onCleanup(stop);
  const plainUrl = `http://127.0.0.1:${plainPort}/`;
  const loggedUrl = `http://127.0.0.1:${loggedPort}/`;
  try {
    await waitForHttp(plainUrl, 5_000, () => !exited);
    await waitForHttp(loggedUrl, 5_000, () => !exited);
  } catch (error) {
    await stop();
    unregister();
    throw new Error(`nginx did not start: ${(error as Error).message} ${stderr.trim().slice(0, 300)}`);
  }
  return {
    plainUrl,
    loggedUrl,
    accessLog,
    async workerPid() {
      const pids = child.pid ? await childPids(child.pid) : [];
      const pid = pids[0];
      if (pid === undefined) throw new Error("nginx has no worker process");
      return pid;
    },
    async flushLog() {
      child.kill("SIGUSR1");
      await sleep(300);
    },
    async logOffset() {
      const fh = await open(accessLog, "r");
      try {
        return (await fh.stat()).size;
      } finally {
        await fh.close();
      }
    },
    async stop() {
      await stop();
      unregister();
    },
  };
}
