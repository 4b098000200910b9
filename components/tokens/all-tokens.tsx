"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { LoadMore } from "~/components/ui/load-more";
import { formatDate } from "~/core/format/units";
import { useTRPC } from "~/trpc/react";
import { TokenStateBadge } from "./token-state";

/** Every user's API tokens, for admins: who holds what, when it was last used, and revoke. */
export function AllApiTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.tokens.listAll.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (last) => last.nextCursor }),
  );
  const revoke = useMutation(
    trpc.tokens.revokeAny.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.listAll.pathKey() }),
    }),
  );
  const tokens = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="panel">
      {revoke.isError && <div className="form-error">{revoke.error.message}</div>}
      {query.isError ? (
        <div className="form-error">{query.error.message}</div>
      ) : query.isPending ? (
        <div className="empty">Loading…</div>
      ) : tokens.length === 0 ? (
        <div className="empty">No user has a token.</div>
      ) : (
        <table className="data" data-testid="all-api-tokens">
          <thead>
            <tr>
              <th>User</th>
              <th>Name</th>
              <th>Token</th>
              <th>Scopes</th>
              <th>State</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.user.email}</td>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.scopes.join(", ")}</td>
                <td>
                  <TokenStateBadge state={t.state} />
                </td>
                <td className="muted">{formatDate(t.expiresAt)}</td>
                <td className="muted">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
                <td>
                  {t.state === "active" && (
                    <button
                      type="button"
                      className="btn danger"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: t.id })}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore query={query} />
    </div>
  );
}
