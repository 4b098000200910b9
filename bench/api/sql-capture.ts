import pg from "pg";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;

function asCapturedQuery(args: readonly unknown[]): CapturedQuery | null {
  const [first, second] = args;
  if (typeof first === "string") return { text: first, values: Array.isArray(second) ? second : [] };
  if (typeof first === "object" && first !== null && "text" in first && typeof first.text === "string") {
    const values = "values" in first && Array.isArray(first.values) ? first.values : Array.isArray(second) ? second : [];
    return { text: first.text, values };
  }
  return null;
}

/**
 * Run `fn` (which calls real application code: a tRPC procedure through createCaller) and
 * record every SQL statement it sends through node-postgres, the driver under Prisma's pg adapter.
 * That is the SQL Prisma generates for the procedure, byte for byte, with its bind values.
 */
export async function captureSql<T>(fn: () => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }> {
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const queries: CapturedQuery[] = [];
  proto.query = function (this: pg.Client, ...args: unknown[]): unknown {
    const q = asCapturedQuery(args);
    if (q && !/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DEALLOCATE)\b/i.test(q.text)) queries.push(q);
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    proto.query = original;
  }
}
