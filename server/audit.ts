import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";

export interface AuditInput {
  userId: string | null;
  action: string;
  target?: string;
  detail?: Prisma.InputJsonValue;
}

export async function recordAudit(event: AuditInput, client: Pick<typeof db, "auditEvent"> = db): Promise<void> {
  await client.auditEvent.create({
    data: { userId: event.userId, action: event.action, target: event.target, detail: event.detail },
  });
}
