import { z } from "zod";
import { AUDIT_ACTION_FILTER } from "~/core/audit-actions";
import { pageInputShape } from "~/server/api/schemas";

/** The audit log's filters: an action (or "run.*" for a group), a user (email or part of it), a time range. */
export const auditFilterShape = {
  action: z.string().regex(AUDIT_ACTION_FILTER, "Not an action").optional(),
  user: z.string().trim().max(254).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};

const rangeInOrder = (f: { from?: Date; to?: Date }) => !f.from || !f.to || f.from <= f.to;
const rangeMessage = { message: "The range's start is after its end", path: ["from"] };

export const auditFilterInput = z.object(auditFilterShape).refine(rangeInOrder, rangeMessage);

export const listAuditEventsInput = z.object({ ...pageInputShape, ...auditFilterShape }).refine(rangeInOrder, rangeMessage);
