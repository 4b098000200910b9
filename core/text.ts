import { z } from "zod";

/**
 * Control characters (NUL above all) have no place in a name, an id or a search term: PostgreSQL
 * refuses NUL in text outright, which would turn bad input into a server error.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A single line of text a person typed or a client sent: no control characters. */
export const plainTextSchema = z
  .string()
  .refine((value) => !CONTROL_CHARACTER.test(value), { message: "Must not contain control characters" });
