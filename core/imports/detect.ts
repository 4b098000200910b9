import { parse as parseYaml } from "yaml";
import { importFortio, looksLikeFortio } from "./fortio";
import { type HlogUnit, importHlog, looksLikeHlog } from "./hlog";
import { importK6, looksLikeK6 } from "./k6";
import { importSmp, looksLikeSmp, normaliseKeys } from "./smp";
import { ImportError, type ImportFormat, MAX_IMPORT_BYTES, type ParsedImport } from "./types";

/**
 * Which tool wrote a result file, from its content (never from its name alone), and the file
 * parsed. Pure. A file that is none of the formats, too large, or broken throws an ImportError whose
 * message names the problem.
 *
 * JSON is tried first: fortio and k6 write JSON with field names of their own (DurationHistogram;
 * metrics.http_req_duration), and an SMP result has performance_test_result or latencies_ms. Then an
 * HdrHistogram log (interval lines of a base64 histogram), then YAML for SMP.
 */

export interface ImportOptions {
  /** The unit of an .hlog's values, when the log's own Interval_Max column cannot tell. */
  hlogUnit?: HlogUnit | null;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

export function detectFormat(text: string): { format: ImportFormat; value: unknown } | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      if (looksLikeFortio(value)) return { format: "fortio-json", value };
      if (looksLikeK6(value)) return { format: "k6-summary", value };
      const normalised = normaliseKeys(value);
      if (looksLikeSmp(normalised)) return { format: "smp", value: normalised };
      return null;
    }
  }
  if (looksLikeHlog(text)) return { format: "hlog", value: text };
  let yaml: unknown;
  try {
    yaml = parseYaml(text);
  } catch {
    return null;
  }
  const normalised = normaliseKeys(yaml);
  return looksLikeSmp(normalised) ? { format: "smp", value: normalised } : null;
}

export function parseImport(text: string, options: ImportOptions = {}): ParsedImport {
  const size = byteLength(text);
  if (size > MAX_IMPORT_BYTES)
    throw new ImportError("TOO_LARGE", `file too large: ${size} bytes; the limit is ${MAX_IMPORT_BYTES} bytes (640 KiB)`);
  if (text.trim() === "") throw new ImportError("EMPTY", "the file is empty");
  const detected = detectFormat(text);
  if (!detected)
    throw new ImportError(
      "UNRECOGNISED",
      "format not recognised: expected fortio's -json output, an HdrHistogram interval log (.hlog), an SMP result (JSON or YAML) or k6's summary JSON",
    );
  switch (detected.format) {
    case "fortio-json":
      return importFortio(detected.value);
    case "k6-summary":
      return importK6(detected.value);
    case "smp":
      return importSmp(detected.value);
    case "hlog":
      return importHlog(text, { unit: options.hlogUnit ?? null });
  }
}
