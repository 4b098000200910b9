import { decodeHistogram, type Histogram } from "~/core/histogram";

/**
 * RunResult.histogram holds the raw compressed HDR bytes (base64 text would cost a third more);
 * hdr-histogram-js speaks base64, so these two convert at the database edge.
 */
export function histogramToBytes(encodedBase64: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(encodedBase64, "base64"));
}

export function histogramFromBytes(bytes: Uint8Array): Histogram {
  return decodeHistogram(Buffer.from(bytes).toString("base64"));
}
