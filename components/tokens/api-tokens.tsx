"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ShownOnce } from "~/components/ui/shown-once";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS } from "~/core/api-tokens";
import { formatDate } from "~/core/format/units";
import { API_TOKEN_SCOPES, type ApiTokenScope } from "~/core/roles";
import { useTRPC } from "~/trpc/react";
import { TokenIdentityCells, TokenUseCells } from "./token-state";

const EXPIRY_CHOICES = [7, 30, API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS];
const SCOPE_HINTS: Record<ApiTokenScope, string> = {
  read: "read runs, comparisons, reports and exports",
  run: "start and cancel runs, generate reports, mark baselines (operators and admins only)",
};

/** The caller's personal API tokens: create one (its secret shown once), see their last use, revoke. */
export function ApiTokens({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSettled: refresh }));
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiTokenScope[]>(canOperate ? ["read", "run"] : ["read"]);
  const [days, setDays] = useState(API_TOKEN_DEFAULT_DAYS);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, scopes, expiresInDays: days });
  }
  const toggle = (scope: ApiTokenScope) =>
    setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  return (
    <>
      <form className="panel" onSubmit={onSubmit} aria-label="New API token">
        <h2>New token</h2>
        <div className="form">
          <div className="field">
            <label htmlFor="token-name">Name</label>
            <input
              id="token-name"
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. CI of my-service"
            />
          </div>
          <div className="field">
            <label htmlFor="token-expiry">Expires after</label>
            <select id="token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {EXPIRY_CHOICES.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </div>
          <fieldset className="choices">
            <legend>Scopes</legend>
            {API_TOKEN_SCOPES.map((scope) => (
              <label key={scope}>
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}{" "}
                <span className="hint-text">({SCOPE_HINTS[scope]})</span>
              </label>
            ))}
          </fieldset>
        </div>
        {create.isError && <div className="form-error">{create.error.message}</div>}
        <div className="toolbar" style={{ marginTop: 12, marginBottom: 0 }}>
          <button className="btn primary" type="submit" disabled={create.isPending || name.trim() === "" || scopes.length === 0}>
            Create token
          </button>
        </div>
      </form>
      {create.data && <ShownOnce label={`Token "${create.data.name}" created.`} value={create.data.secret} testId="new-token" />}
      <div className="panel">
        {revoke.isError && <div className="form-error">{revoke.error.message}</div>}
        {tokens.isPending ? (
          <div className="empty">Loading…</div>
        ) : tokens.isError ? (
          <div className="form-error">{tokens.error.message}</div>
        ) : tokens.data.length === 0 ? (
          <div className="empty">No tokens yet.</div>
        ) : (
          <table className="data" data-testid="api-tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Token</th>
                <th>Scopes</th>
                <th>State</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <TokenIdentityCells token={t} />
                  <td className="muted">{formatDate(t.createdAt)}</td>
                  <TokenUseCells token={t} revoking={revoke.isPending} onRevoke={(id) => revoke.mutate({ id })} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
