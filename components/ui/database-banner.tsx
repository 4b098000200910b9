"use client";

import { useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useState } from "react";
import { DATABASE_UNAVAILABLE } from "~/core/messages";

function isDatabaseOutage(error: unknown): boolean {
  return error instanceof TRPCClientError && error.message === DATABASE_UNAVAILABLE;
}

/**
 * A banner while the server says its database is unreachable. The pages keep polling (their
 * queries retry), so the banner goes as soon as any query succeeds again: no reload needed.
 */
export function DatabaseBanner() {
  const queryClient = useQueryClient();
  const [down, setDown] = useState(false);
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== "updated") return;
        if (event.action.type === "error" && isDatabaseOutage(event.action.error)) setDown(true);
        if (event.action.type === "success") setDown(false);
      }),
    [queryClient],
  );
  if (!down) return null;
  return (
    <div className="notice" role="alert" data-testid="database-banner">
      The database is unavailable; the dashboard keeps retrying and will catch up by itself.
    </div>
  );
}
