import type { BpftraceRecord } from "~/core/parsers/bpftrace";
import { parseMarker } from "./markers";

/**
 * Groups parsed bpftrace records into intervals, using the markers program.ts puts around each
 * print round. Pure: the runner feeds it live records, the Kubernetes backend a pod log.
 */
export type MapRecord = Extract<BpftraceRecord, { type: "map" | "hist" | "stats" }>;

/** The maps printed during one interval, by name ("@sys"). */
export type IntervalMaps = ReadonlyMap<string, MapRecord>;

export interface RawInterval {
  index: number;
  startNs: number;
  endNs: number;
  final: boolean;
  maps: IntervalMaps;
}

export interface StreamStats {
  begun: boolean;
  ended: boolean;
  attachedProbes: number | null;
  lostEvents: number;
  helperErrors: number;
  /** First few records the parser did not understand: "reason: raw". */
  unknownRecords: string[];
  /** printf/time/cat/join/system output that is not a marker (MeshBench's programs print none). */
  otherText: string[];
}

const KEEP_UNKNOWN = 20;

export class IntervalAssembler {
  readonly stats: StreamStats = {
    begun: false,
    ended: false,
    attachedProbes: null,
    lostEvents: 0,
    helperErrors: 0,
    unknownRecords: [],
    otherText: [],
  };
  private maps = new Map<string, MapRecord>();
  private startNs: number | null = null;
  private index = 0;

  constructor(
    private readonly intervalNs: number,
    private readonly onInterval: (interval: RawInterval) => void,
    /** Told about each record the parser did not understand (the first few), e.g. to log it. */
    private readonly onUnknown: (description: string) => void = () => {},
  ) {}

  push(record: BpftraceRecord): void {
    // Everything after "end" is bpftrace's exit dump of maps already printed (and cleared).
    if (this.stats.ended) return;
    switch (record.type) {
      case "attached_probes":
        this.stats.attachedProbes = record.probes;
        return;
      case "lost_events":
        this.stats.lostEvents += record.events;
        return;
      case "helper_error":
        this.stats.helperErrors++;
        return;
      case "unknown":
        if (this.stats.unknownRecords.length < KEEP_UNKNOWN) {
          const description = `${record.reason}: ${record.raw}`;
          this.stats.unknownRecords.push(description);
          this.onUnknown(description);
        }
        return;
      case "map":
      case "hist":
      case "stats":
        this.maps.set(record.name, record);
        return;
      case "printf":
        if (this.marker(record.text)) return;
        break;
      case "value":
        this.keepText(JSON.stringify(record.value));
        return;
    }
    if ("text" in record) this.keepText(record.text);
  }

  private keepText(text: string): void {
    if (this.stats.otherText.length < KEEP_UNKNOWN) this.stats.otherText.push(text);
  }

  private marker(text: string): boolean {
    const marker = parseMarker(text);
    if (!marker) return false;
    if (marker.kind === "begin") {
      this.stats.begun = true;
      this.startNs = marker.elapsedNs;
      return true;
    }
    const final = marker.kind === "end";
    if (final) this.stats.ended = true;
    // Without a begin marker (should not happen), assume the interval had its nominal length.
    const startNs = this.startNs ?? Math.max(0, marker.elapsedNs - this.intervalNs);
    // A stop right after a tick leaves a sliver with nothing printed: not worth an interval.
    if (!final || this.maps.size > 0 || marker.elapsedNs - startNs >= this.intervalNs / 2) {
      this.onInterval({ index: this.index++, startNs, endNs: marker.elapsedNs, final, maps: this.maps });
    }
    this.maps = new Map();
    this.startNs = marker.elapsedNs;
    return true;
  }
}
