import { z } from "zod";

/**
 * Ids of rows (runs, reports, probe jobs): cuids, so letters, digits, `_` and `-` at most 64
 * long. The same pattern the download routes and the compare page's link apply to ids in a URL.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The one schema every procedure checks an id with. */
export const idSchema = z.string().regex(ID_PATTERN, "Not a valid id");

/** Input of a procedure about one row. */
export const byIdInput = z.object({ id: idSchema });

/** Input of a procedure about one run. */
export const byRunIdInput = z.object({ runId: idSchema });

/** The paging fields of a list's input: the page size and the id of the last row already shown. */
export const pageInputShape = {
  limit: z.number().int().min(1).max(100).default(25),
  cursor: idSchema.nullish(),
};
