import { describe, expect, it } from "vitest";
import { z } from "zod";
import { idSchema, pageInputShape } from "~/server/api/schemas";

describe("idSchema", () => {
  it("accepts cuids and the ids tests use", () => {
    for (const id of ["cmabc123def456ghi789jkl0", "does-not-exist", "no_such_run", "x".repeat(64)]) {
      expect(idSchema.safeParse(id).success).toBe(true);
    }
  });

  it("refuses empty, over-long and anything beyond letters, digits, _ and -", () => {
    for (const id of ["", "x".repeat(65), "a b", "a/b", "a,b", "é", "a\nb"]) {
      expect(idSchema.safeParse(id).success).toBe(false);
    }
  });
});

describe("pageInputShape", () => {
  const input = z.object(pageInputShape);

  it("defaults the page size and takes a null cursor", () => {
    expect(input.parse({})).toEqual({ limit: 25 });
    expect(input.parse({ limit: 4, cursor: null })).toEqual({ limit: 4, cursor: null });
  });

  it("refuses page sizes outside 1-100", () => {
    for (const limit of [0, 101, 2.5]) expect(input.safeParse({ limit }).success).toBe(false);
  });
});
