"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { detectFormat } from "~/core/imports/detect";
import { HLOG_UNITS, type HlogUnit } from "~/core/imports/hlog";
import { IMPORT_FORMAT_LABELS, type ImportFormat, MAX_IMPORT_BYTES } from "~/core/imports/types";
import { type BackendKind, MESH_PROFILES, MESHES, type MeshProfile } from "~/core/meshes";
import { useTRPC } from "~/trpc/react";

const UNIT_LABELS: Record<HlogUnit, string> = { ns: "nanoseconds", us: "microseconds", ms: "milliseconds" };

interface PickedFile {
  name: string;
  text: string;
  size: number;
  /** What the content looks like, read in the browser; the server detects it again. */
  detected: ImportFormat | null;
}

export function ImportForm() {
  const trpc = useTRPC();
  const [file, setFile] = useState<PickedFile | null>(null);
  const [name, setName] = useState("");
  const [mesh, setMesh] = useState<MeshProfile>("baseline");
  const [backend, setBackend] = useState<BackendKind>("KUBERNETES");
  const [hlogUnit, setHlogUnit] = useState<HlogUnit | "">("");
  const upload = useMutation(trpc.imports.create.mutationOptions());
  const backends = MESHES[mesh].backends;

  async function pick(picked: File | undefined) {
    upload.reset();
    if (!picked) return setFile(null);
    const text = await picked.text();
    let detected: ImportFormat | null = null;
    try {
      detected = picked.size <= MAX_IMPORT_BYTES ? (detectFormat(text)?.format ?? null) : null;
    } catch {
      detected = null;
    }
    setFile({ name: picked.name, text, size: picked.size, detected });
  }

  return (
    <form
      className="panel"
      data-testid="import-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        upload.mutate({
          fileName: file.name,
          content: file.text,
          encoding: "text",
          name: name.trim() || undefined,
          mesh,
          backend: backends.includes(backend) ? backend : (backends[0] ?? "KUBERNETES"),
          hlogUnit: hlogUnit || undefined,
        });
      }}
    >
      <div className="field">
        <label htmlFor="import-file">Result file (at most {MAX_IMPORT_BYTES / 1024} KiB)</label>
        <input id="import-file" type="file" onChange={(e) => void pick(e.target.files?.[0])} />
      </div>
      {file && (
        <p data-testid="detected-format">
          {file.size > MAX_IMPORT_BYTES
            ? `file too large: ${file.size} bytes; the limit is ${MAX_IMPORT_BYTES} bytes`
            : file.detected
              ? `Detected: ${IMPORT_FORMAT_LABELS[file.detected]}`
              : "Format not recognised (the server will say why)"}
        </p>
      )}
      <div className="field">
        <label htmlFor="import-name">Run name</label>
        <input
          id="import-name"
          value={name}
          placeholder={file?.name ?? "the file's name"}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="import-mesh">File it under the profile</label>
        <select id="import-mesh" value={mesh} onChange={(e) => setMesh(e.target.value as MeshProfile)}>
          {MESH_PROFILES.map((m) => (
            <option key={m} value={m}>
              {MESHES[m].label}
            </option>
          ))}
        </select>
      </div>
      {backends.length > 1 && (
        <div className="field">
          <label htmlFor="import-backend">Measured on</label>
          <select id="import-backend" value={backend} onChange={(e) => setBackend(e.target.value as BackendKind)}>
            {backends.map((b) => (
              <option key={b} value={b}>
                {b === "KUBERNETES" ? "a Kubernetes cluster" : "a single machine"}
              </option>
            ))}
          </select>
        </div>
      )}
      {file?.detected === "hlog" && (
        <div className="field">
          <label htmlFor="import-unit">Unit of the log's values</label>
          <select id="import-unit" value={hlogUnit} onChange={(e) => setHlogUnit(e.target.value as HlogUnit | "")}>
            <option value="">read it from the log's Interval_Max column</option>
            {HLOG_UNITS.map((u) => (
              <option key={u} value={u}>
                {UNIT_LABELS[u]}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" className="btn primary" disabled={!file || upload.isPending}>
        {upload.isPending ? "Importing…" : "Import"}
      </button>
      {upload.isError && (
        <div className="form-error" role="alert" data-testid="import-error">
          {upload.error.message}
        </div>
      )}
      {upload.isSuccess && (
        <div className="notice" data-testid="import-done">
          Imported as {IMPORT_FORMAT_LABELS[upload.data.format]}
          {upload.data.latencyData === "percentiles-only" ? " (percentiles only)" : ""}:{" "}
          <Link href={`/runs/${upload.data.id}`} data-testid="imported-run-link">
            open the run
          </Link>
          {upload.data.warnings.length > 0 && (
            <ul>
              {upload.data.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
