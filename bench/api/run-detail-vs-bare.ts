import { sleep } from "~/bench/lib/spawn";
import { errorRow, type Row } from "~/bench/lib/table";
import { startBareRunDetail } from "./bare-run-detail";
import { checkPaths, type HttpLoad, loadPaths } from "./http-load";
import { firstJsonDifference } from "./json-difference";
import { type RunDetailLoads, runDetailRows } from "./run-detail-rows";
import { trpcBatchPath } from "./trpc-url";

export interface RunDetailVsBareOptions {
  section: string;
  appUrl: string;
  cookie: string;
  databaseUrl: string;
  /** A finished run whose statistics are stored. */
  runId: string;
  clients: readonly number[];
  seconds: number;
  runDir: string;
  log: (m: string) => void;
}

async function body(url: string, cookie: string): Promise<string> {
  const res = await fetch(url, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url.slice(0, 60)}… → HTTP ${res.status}: ${text.slice(0, 160)}`);
  return text;
}

/**
 * Requests queued by the figures before this one (wrk stops sending, the app keeps working through
 * them) can make the app time out on its pool for a while: wait until it answers again.
 */
async function untilAnswering(baseUrl: string, path: string, cookie: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await checkPaths(baseUrl, [path], cookie);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(2_000);
    }
  }
}

/**
 * The bare handler only stands for the app if it answers the same thing: same JSON value is
 * required, same bytes is reported (jsonb hands JSON columns back with its own key order, where
 * the app re-emits them in its schemas' order).
 */
async function sameAnswer(appUrl: string, bareUrl: string, path: string, cookie: string): Promise<string> {
  const [app, bare] = await Promise.all([body(`${appUrl}${path}`, cookie), body(`${bareUrl}${path}`, cookie)]);
  const difference = firstJsonDifference(JSON.parse(app), JSON.parse(bare));
  if (difference !== null) throw new Error(`bare handler's answer differs from the app's (app vs bare) at ${difference}`);
  return app === bare
    ? `Same response body, byte for byte (${app.length} B).`
    : `Same JSON value (superjson envelope included), bytes differ only in key order (app ${app.length} B, bare ${bare.length} B).`;
}

/**
 * runs.get of one finished run through the logged-in app and through the bare handler, one after
 * the other at each client count, so both see the same background load as nearly as a shared
 * machine allows.
 */
export async function runDetailVsBare(opts: RunDetailVsBareOptions): Promise<Row[]> {
  const bare = await startBareRunDetail(opts.databaseUrl);
  try {
    const path = trpcBatchPath([{ procedure: "runs.get", input: { id: opts.runId } }]);
    await untilAnswering(opts.appUrl, path, opts.cookie);
    await checkPaths(bare.baseUrl, [path], opts.cookie);
    const answer = await sameAnswer(opts.appUrl, bare.baseUrl, path, opts.cookie);
    const load = (baseUrl: string, clients: number): Promise<HttpLoad> =>
      loadPaths(baseUrl, [path], opts.cookie, clients, opts.seconds, opts.runDir);
    opts.log("runs.get vs bare handler: warming up both");
    await load(opts.appUrl, 8);
    await load(bare.baseUrl, 8);
    const loads: RunDetailLoads[] = [];
    for (const clients of opts.clients) {
      opts.log(`runs.get vs bare handler: ${clients} client(s), ${opts.seconds} s each`);
      const app = await load(opts.appUrl, clients);
      loads.push({ clients, app, bare: await load(bare.baseUrl, clients) });
    }
    const note = `One run, ${opts.seconds} s closed loop per cell, app then bare. Bare = bench/api/bare-run-detail.ts in the bench process: the product's two statements concurrently on a pg pool of the app's size, view built without schema parsing, superjson envelope; spec read through the product's parseSpec (defaults); no session check, no ETag, no read shared between callers (the app shares one read among callers asking within SHARED_READ_MS, so at 50 clients on one run most of its answers skip the database). ${answer}`;
    return runDetailRows(opts.section, loads, note);
  } catch (error) {
    return [errorRow(opts.section, "runs.get, finished run vs bare node:http + pg", error)];
  } finally {
    await bare.stop();
  }
}
