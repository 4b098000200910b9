/** One page of a list: the rows, and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows to read for a page of `limit`: one more says whether another page follows. */
export function rowsToRead(limit: number): number {
  return limit + 1;
}

/** Cuts rows read with rowsToRead(limit) to a page; the next page starts after its last row. */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : [...rows];
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last !== undefined ? cursorOf(last) : null };
}
