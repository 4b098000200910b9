import { chromium } from "playwright-core";
import { workerEnv } from "~/worker/env";

/**
 * Prints a report's HTML to PDF with headless Chromium (Debian's; playwright-core cannot download
 * a browser here). The page gets no network and no JavaScript: the document is self-contained and
 * any request it tried to make is refused, so a PDF can never depend on something outside it.
 */

/** Without the background-networking flags Chromium keeps trying hosts a closed network refuses. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumPath(): string {
  return workerEnv.CHROMIUM_PATH;
}

const FOOTER = `<div style="width:100%;font-size:7.5px;color:#59636e;font-family:'DejaVu Sans',Arial,sans-serif;padding:0 12mm;display:flex;justify-content:space-between">
<span class="title"></span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

export interface PrintOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function printPdf(html: string, options: PrintOptions = {}): Promise<Buffer> {
  options.signal?.throwIfAborted();
  const timeout = options.timeoutMs ?? 60_000;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout });
  const onAbort = () => void browser.close().catch(() => undefined);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.route("**/*", (route) => route.abort("blockedbyclient"));
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    return await page.pdf({
      format: "A4",
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: "<div></div>",
      footerTemplate: FOOTER,
      margin: { top: "14mm", bottom: "16mm", left: "12mm", right: "12mm" },
      outline: true,
      tagged: true,
    });
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await browser.close().catch(() => undefined);
  }
}
