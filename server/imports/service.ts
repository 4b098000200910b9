import { TRPCError } from "@trpc/server";
import { parseImport } from "~/core/imports/detect";
import type { ImportProvenance } from "~/core/imports/provenance";
import { ImportError, MAX_IMPORT_BYTES, type ParsedImport } from "~/core/imports/types";
import { MESHES } from "~/core/meshes";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { insertImportedRun } from "~/server/runs/store";
import type { ImportRunInput } from "./schemas";

/** The file's text: base64 decoded and checked as UTF-8, so a binary file is refused by name, not misread. */
function fileText(input: ImportRunInput): string {
  if (input.encoding === "text") return input.content;
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(input.content))
    throw new TRPCError({ code: "BAD_REQUEST", message: "content is not valid base64" });
  const bytes = Buffer.from(input.content, "base64");
  if (bytes.byteLength > MAX_IMPORT_BYTES)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `file too large: ${bytes.byteLength} bytes; the limit is ${MAX_IMPORT_BYTES} bytes (640 KiB)`,
    });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TRPCError({ code: "BAD_REQUEST", message: "format not recognised: the file is not text (UTF-8)" });
  }
}

function parse(input: ImportRunInput): ParsedImport {
  const text = fileText(input);
  try {
    return parseImport(text, { hlogUnit: input.hlogUnit ?? null });
  } catch (err) {
    if (err instanceof ImportError) throw new TRPCError({ code: "BAD_REQUEST", message: `${input.fileName}: ${err.message}` });
    throw err;
  }
}

export interface Uploader {
  id: string;
  /** Name or email, as the run's provenance shows it. */
  label: string | null;
}

/**
 * Imports a result file as a run: detects the format from the content, parses it, and writes the
 * run, its result and its provenance in one transaction (with the audit event). A file that cannot
 * be imported is refused with a message naming the problem and nothing is stored.
 */
export async function importRun(input: ImportRunInput, uploader: Uploader) {
  const backend = input.backend;
  if (!MESHES[input.mesh].backends.includes(backend))
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Profile "${input.mesh}" does not exist on the ${backend.toLowerCase()} backend: choose another profile or backend`,
    });
  const parsed = parse(input);
  const uploadedAt = new Date();
  const provenance: ImportProvenance = {
    format: parsed.format,
    tool: parsed.tool,
    toolVersion: parsed.toolVersion,
    fileName: input.fileName,
    uploadedBy: uploader.label,
    uploadedAt: uploadedAt.toISOString(),
    latencyData: parsed.latency.kind === "histogram" ? "histogram" : "percentiles-only",
    countKnown: parsed.count !== null,
    errorsKnown: parsed.errors !== null,
    timesKnown: parsed.startedAt !== null,
    requestedQps: parsed.requestedQps,
    connections: parsed.connections,
    durationSeconds: parsed.durationSeconds,
    intervals: parsed.intervals,
    bucketResolution: parsed.bucketResolution,
    warnings: parsed.warnings,
  };
  const run = await db.$transaction(async (tx) => {
    const created = await insertImportedRun(tx, {
      name: input.name ?? input.fileName,
      mesh: input.mesh,
      backend,
      uploadedById: uploader.id,
      uploadedAt,
      parsed,
      provenance,
    });
    await recordAudit(
      {
        userId: uploader.id,
        action: "run.import",
        target: created.id,
        detail: { format: parsed.format, fileName: input.fileName },
      },
      tx,
    );
    return created;
  });
  return {
    id: run.id,
    format: parsed.format,
    tool: parsed.tool,
    latencyData: provenance.latencyData,
    warnings: parsed.warnings,
  };
}
