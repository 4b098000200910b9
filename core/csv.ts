/**
 * CSV for spreadsheets (RFC 4180), safe against formula injection: a cell starting with
 * = + - @ tab or carriage return is run as a formula by Excel, LibreOffice and Google Sheets, so
 * such a cell gets a leading apostrophe (OWASP's advice), and every cell is quoted so a comma,
 * quote or newline inside it stays inside it.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
