import type { z } from "zod";
import { pageOf, rowsToRead } from "~/server/api/paging";
import { db, type Prisma } from "~/server/db/client";
import type { auditFilterInput, listAuditEventsInput } from "./schemas";

type AuditFilter = z.output<typeof auditFilterInput>;

function whereOf(filter: AuditFilter): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (filter.action) {
    where.push(filter.action.endsWith("*") ? { action: { startsWith: filter.action.slice(0, -1) } } : { action: filter.action });
  }
  if (filter.user) {
    // The actor, or the account a failed login named (it has no actor when the email is unknown).
    where.push({
      OR: [
        { user: { email: { contains: filter.user, mode: "insensitive" } } },
        { action: "login_failed", target: { contains: filter.user, mode: "insensitive" } },
      ],
    });
  }
  if (filter.from || filter.to) where.push({ createdAt: { gte: filter.from, lte: filter.to } });
  return { AND: where };
}

const eventColumns = {
  id: true,
  createdAt: true,
  action: true,
  target: true,
  detail: true,
  userId: true,
  user: { select: { email: true } },
} as const;

type AuditRow = Prisma.AuditEventGetPayload<{ select: typeof eventColumns }>;

/** Newest first, a page at a time. */
export async function listAuditEvents(input: z.output<typeof listAuditEventsInput>) {
  const rows = await db.auditEvent.findMany({
    where: whereOf(input),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: rowsToRead(input.limit),
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: eventColumns,
  });
  return pageOf(rows, input.limit, (row) => row.id);
}

/** The most rows one CSV export holds; a narrower filter gets the rest. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
const EXPORT_BATCH = 1_000;

/** Every matching event, newest first, in batches (the export streams them). */
export async function* auditEventsForExport(filter: AuditFilter) {
  let cursor: string | null = null;
  let sent = 0;
  while (sent < AUDIT_EXPORT_MAX_ROWS) {
    const rows: AuditRow[] = await db.auditEvent.findMany({
      where: whereOf(filter),
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(EXPORT_BATCH, AUDIT_EXPORT_MAX_ROWS - sent),
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: eventColumns,
    });
    if (rows.length === 0) return;
    yield rows;
    sent += rows.length;
    cursor = rows.at(-1)?.id ?? null;
    if (rows.length < EXPORT_BATCH) return;
  }
}
