import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `docker <args>`; rejects with docker's own stderr when it fails. */
export async function docker(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("docker", args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** A container's output (stdout and stderr), or why it could not be read: for failure messages. */
export async function containerLogs(name: string, tail = 60): Promise<string> {
  try {
    const { stdout, stderr } = await run("docker", ["logs", "--tail", String(tail), name], { maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    return `(no logs: ${(error as Error).message})`;
  }
}

/** `-e NAME=value` for each entry. */
export const envArgs = (env: Record<string, string>): string[] => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
