import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, readFile, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { onCleanup } from "~/bench/lib/cleanup";
import { waitForHttp } from "~/bench/lib/http-ready";
import { runCommand, sleep } from "~/bench/lib/spawn";
import { freePort } from "~/worker/backends/local/ports";

export interface RunningApp {
  baseUrl: string;
  buildId: string;
  pid: number;
  stop(): Promise<void>;
}

/** The production build must exist; build it when it does not (as `npm run build` would). */
async function ensureBuild(repo: string, log: (m: string) => void): Promise<void> {
  if (existsSync(path.join(repo, ".next", "BUILD_ID"))) return;
  log("no .next/BUILD_ID: running next build (a few minutes)");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const done = await runCommand(path.join(repo, "node_modules", ".bin", "next"), ["build"], {
    cwd: repo,
    env,
    timeoutMs: 900_000,
  });
  if (done.code !== 0) throw new Error(`next build failed: ${done.stdout.split("\n").slice(-5).join(" ").slice(0, 300)}`);
}

/**
 * Copy the build (not its cache) into a directory of our own, with the repo's node_modules and
 * config linked in, and serve that: a `next build` started by someone else mid-bench (tests do
 * that) then cannot pull the app out from under the measurement.
 */
async function snapshotBuild(repo: string, into: string): Promise<string> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await readFile(path.join(repo, ".next", "BUILD_ID"), "utf8");
    await rm(into, { recursive: true, force: true });
    await cp(path.join(repo, ".next"), path.join(into, ".next"), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => !src.startsWith(path.join(repo, ".next", "cache")),
    });
    const after = await readFile(path.join(repo, ".next", "BUILD_ID"), "utf8").catch(() => "");
    if (before === after) {
      // next.config.ts imports constants from server/http, so `next start` needs server/ beside it.
      for (const f of ["node_modules", "package.json", "next.config.ts", "tsconfig.json", "server"]) {
        await symlink(path.join(repo, f), path.join(into, f));
      }
      return before.trim();
    }
    await sleep(5_000); // a build finished while we copied: take the new one
  }
  throw new Error(".next keeps changing (someone is building): could not take a consistent copy");
}

export interface AppEnv {
  databaseUrl: string;
  queuePrefix: string;
}

export async function startApp(repo: string, runDir: string, appEnv: AppEnv, log: (m: string) => void): Promise<RunningApp> {
  await ensureBuild(repo, log);
  const dir = path.join(runDir, "app");
  const buildId = await snapshotBuild(repo, dir);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: appEnv.databaseUrl,
    QUEUE_PREFIX: appEnv.queuePrefix,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    PORT: String(port),
  };
  delete env.NODE_OPTIONS;
  const child: ChildProcess = spawn(
    path.join(repo, "node_modules", ".bin", "next"),
    ["start", "-p", String(port), "-H", "127.0.0.1", dir],
    {
      cwd: dir,
      env,
      stdio: ["ignore", "ignore", "pipe"],
      detached: true, // its own process group, so stop() reaches anything it forks
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2_000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("next start did not spawn");
  const stop = async () => {
    if (exited) return;
    process.kill(-pid, "SIGTERM");
    await Promise.race([exit, sleep(5_000)]);
    if (!exited) process.kill(-pid, "SIGKILL");
  };
  const unregister = onCleanup(stop);
  try {
    await waitForHttp(`${baseUrl}/api/auth/csrf`, 30_000, () => !exited);
  } catch (error) {
    await stop();
    unregister();
    throw new Error(`next start: ${(error as Error).message} ${stderr.trim().slice(-300)}`);
  }
  return {
    baseUrl,
    buildId,
    pid,
    async stop() {
      await stop();
      unregister();
      await rm(dir, { recursive: true, force: true }); // the copied build (~20 MB)
    },
  };
}
