"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { LoadMore } from "~/components/ui/load-more";
import { useTRPC } from "~/trpc/react";
import { TokenIdentityCells, TokenUseCells } from "./token-state";

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
                <TokenIdentityCells token={t} />
                <TokenUseCells token={t} revoking={revoke.isPending} onRevoke={(id) => revoke.mutate({ id })} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore query={query} />
    </div>
  );
}
