import { sleep } from "./spawn";

/** Poll until `url` answers with `status` (default 200), or throw after timeoutMs. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no attempt";
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process serving ${url} exited (last: ${last})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last})`);
}
