import { sleep } from "~/bench/lib/spawn";

/**
 * Freeze a process for `stallMs` (SIGSTOP, then SIGCONT) starting `afterMs` from now. Its sockets
 * stay open and the kernel keeps accepting bytes: to clients it is a server that stopped answering.
 * Resolves with the wall-clock edges of the stall once it is over.
 */
export async function stallProcess(pid: number, afterMs: number, stallMs: number): Promise<{ fromMs: number; toMs: number }> {
  await sleep(afterMs);
  const fromMs = Date.now();
  process.kill(pid, "SIGSTOP");
  try {
    await sleep(stallMs);
  } finally {
    process.kill(pid, "SIGCONT");
  }
  return { fromMs, toMs: Date.now() };
}
