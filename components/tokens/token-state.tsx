import type { ApiTokenState } from "~/core/api-tokens";
import { formatDate } from "~/core/format/units";

export function TokenStateBadge({ state }: { state: ApiTokenState }) {
  return <span className={`badge ${state === "active" ? "active" : "inactive"}`}>{state}</span>;
}

interface TokenRowFields {
  id: string;
  prefix: string;
  scopes: readonly string[];
  state: ApiTokenState;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

/** What identifies a token in a table row: its prefix, scopes and state. */
export function TokenIdentityCells({ token }: { token: TokenRowFields }) {
  return (
    <>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td>{token.scopes.join(", ")}</td>
      <td>
        <TokenStateBadge state={token.state} />
      </td>
    </>
  );
}

/** The end of a token's table row: expiry, last use, and Revoke while it is active. */
export function TokenUseCells({
  token,
  revoking,
  onRevoke,
}: {
  token: TokenRowFields;
  revoking: boolean;
  onRevoke: (id: string) => void;
}) {
  return (
    <>
      <td className="muted">{formatDate(token.expiresAt)}</td>
      <td className="muted">{token.lastUsedAt ? formatDate(token.lastUsedAt) : "never"}</td>
      <td>
        {token.state === "active" && (
          <button type="button" className="btn danger" disabled={revoking} onClick={() => onRevoke(token.id)}>
            Revoke
          </button>
        )}
      </td>
    </>
  );
}
