import { z } from "zod";
import { HLOG_UNITS } from "~/core/imports/hlog";
import { MAX_IMPORT_BYTES } from "~/core/imports/types";
import { BACKENDS, MESH_PROFILES } from "~/core/meshes";
import { runNameSchema } from "~/core/spec";
import { plainTextSchema } from "~/core/text";
import { MAX_REQUEST_BODY_BYTES } from "~/server/http/body-limit";

/**
 * imports.create: the file travels in the request as text or base64. Its size is checked on the
 * decoded bytes (MAX_IMPORT_BYTES, 640 KiB, which keeps the request under the web edge's 1 MiB),
 * with the size in the message; the string limit here only stops what the edge would refuse anyway.
 */
export const importRunInput = z.object({
  fileName: plainTextSchema.trim().min(1, "Name the file").max(255),
  content: z.string().max(MAX_REQUEST_BODY_BYTES, `file too large: the limit is ${MAX_IMPORT_BYTES} bytes (640 KiB)`),
  encoding: z.enum(["text", "base64"]).default("text"),
  /** The run's name; defaults to the file's name. */
  name: runNameSchema.optional(),
  /** The profile the results are filed under, for comparisons and regression gates. */
  mesh: z.enum(MESH_PROFILES).default("baseline"),
  backend: z.enum(BACKENDS).default("KUBERNETES"),
  hlogUnit: z.enum(HLOG_UNITS).optional(),
});
export type ImportRunInput = z.output<typeof importRunInput>;
