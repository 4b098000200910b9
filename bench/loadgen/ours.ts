import { fileURLToPath } from "node:url";
import { runCommand } from "~/bench/lib/spawn";
import { type ChildInput, type ChildResult, childMessageSchema } from "./child-protocol";

const CHILD_FILE = fileURLToPath(new URL("./ours-child.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface OursRun extends ChildInput {
  /** The measured window has started (wall clock ms), e.g. to schedule a stall inside it. */
  onWindowStart?: (wallMs: number) => void;
}

/** Run the built-in load generator once in a child process and return what it measured. */
export async function runOurs(run: OursRun): Promise<ChildResult> {
  const { onWindowStart, ...input } = run;
  const { NODE_OPTIONS: _preloads, ...env } = process.env;
  let result: ChildResult | undefined;
  let badLine: string | undefined;
  const done = await runCommand(process.execPath, ["--import", "tsx", CHILD_FILE, JSON.stringify(input)], {
    cwd: REPO_ROOT,
    env,
    timeoutMs: input.warmupMs + input.durationMs + 60_000,
    onLine: (line) => {
      if (line.trim() === "") return;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        badLine ??= line.slice(0, 200);
        return;
      }
      const parsed = childMessageSchema.safeParse(message);
      if (!parsed.success) badLine ??= line.slice(0, 200);
      else if (parsed.data.type === "window" && parsed.data.edge === "start") onWindowStart?.(parsed.data.wallMs);
      else if (parsed.data.type === "result") result = parsed.data;
    },
  });
  if (done.code !== 0 || !result) {
    const why = badLine ? `unexpected output ${badLine}` : done.stderr.trim().split("\n").slice(-3).join(" ");
    throw new Error(`load generator child exited ${done.code ?? done.signal}: ${why.slice(0, 300)}`);
  }
  return result;
}
