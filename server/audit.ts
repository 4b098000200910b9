import { AsyncLocalStorage } from "node:async_hooks";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";

export interface AuditInput {
  userId: string | null;
  action: string;
  target?: string;
  detail?: Prisma.InputJsonValue;
}

/** Set while a request authenticated by an API token runs, so its events say which token acted. */
const viaApiToken = new AsyncLocalStorage<{ prefix: string }>();

/** Runs `work` with every audit event it records marked as done through this API token. */
export function auditedAsApiToken<T>(prefix: string, work: () => T): T {
  return viaApiToken.run({ prefix }, work);
}

function withToken(detail: Prisma.InputJsonValue | undefined): Prisma.InputJsonValue | undefined {
  const token = viaApiToken.getStore();
  if (!token) return detail;
  if (detail === undefined) return { apiToken: token.prefix };
  const isObject = typeof detail === "object" && detail !== null && !Array.isArray(detail);
  return isObject ? { ...(detail as Prisma.InputJsonObject), apiToken: token.prefix } : { value: detail, apiToken: token.prefix };
}

export async function recordAudit(event: AuditInput, client: Pick<typeof db, "auditEvent"> = db): Promise<void> {
  await client.auditEvent.create({
    data: { userId: event.userId, action: event.action, target: event.target, detail: withToken(event.detail) },
  });
}
