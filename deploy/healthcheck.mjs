// The images' HEALTHCHECK: exits 0 when the URL answers 2xx within 4 s, else 1 (and says why).
// A file of its own because the images have no curl or wget.
const url = process.argv[2];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) {
    console.error(`${url}: HTTP ${response.status} ${await response.text()}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
