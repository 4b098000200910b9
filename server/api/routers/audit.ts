import { adminProcedure, createTRPCRouter } from "~/server/api/trpc";
import { listAuditEventsInput } from "~/server/audit-log/schemas";
import { listAuditEvents } from "~/server/audit-log/service";

export const auditRouter = createTRPCRouter({
  /** Who did what and when, newest first; filtered by action, user and time range. The CSV is /api/audit/export. */
  list: adminProcedure.input(listAuditEventsInput).query(({ input }) => listAuditEvents(input)),
});
