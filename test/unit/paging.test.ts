import { describe, expect, it } from "vitest";
import { pageOf, rowsToRead } from "~/server/api/paging";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));

describe("pageOf", () => {
  it("reads one row more than a page, to tell whether another follows", () => {
    expect(rowsToRead(25)).toBe(26);
  });

  it("cuts the extra row and points the next page after the page's last row", () => {
    expect(pageOf(rows(4), 3, (r) => r.id)).toEqual({ items: rows(3), nextCursor: "r2" });
  });

  it("has no next page when the rows fit", () => {
    expect(pageOf(rows(3), 3, (r) => r.id)).toEqual({ items: rows(3), nextCursor: null });
    expect(pageOf(rows(0), 3, (r) => r.id)).toEqual({ items: [], nextCursor: null });
  });

  it("keeps exactly the list responses' keys", () => {
    expect(Object.keys(pageOf(rows(4), 3, (r) => r.id))).toEqual(["items", "nextCursor"]);
  });
});
