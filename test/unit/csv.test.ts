import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "~/core/csv";

describe("CSV cells", () => {
  it("keep a cell that a spreadsheet would run as a formula as text", () => {
    for (const formula of ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]) expect(csvCell(formula)).toBe(`"'${formula}"`);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
  });

  it("quote commas, quotes and newlines, and write nothing for a missing value", () => {
    expect(csvLine(["a,b", 'say "hi"', "two\nlines", null, 3])).toBe('"a,b","say ""hi""","two\nlines","","3"\r\n');
  });
});
