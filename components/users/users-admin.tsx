"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ShownOnce } from "~/components/ui/shown-once";
import { CREDENTIAL_METHODS, type CredentialMethod } from "~/core/accounts";
import { formatDate } from "~/core/format/units";
import { ROLE_DESCRIPTIONS, ROLES, type Role } from "~/core/roles";
import { useTRPC } from "~/trpc/react";

const METHOD_LABELS: Record<CredentialMethod, string> = {
  invite: "invite link (the user sets a password)",
  password: "temporary password",
};

interface Issued {
  email: string;
  inviteUrl: string | null;
  inviteExpiresAt: Date | null;
  temporaryPassword: string | null;
}

function IssuedCredentials({ issued }: { issued: Issued }) {
  return issued.inviteUrl ? (
    <ShownOnce
      label={`Invite link for ${issued.email}, valid until ${formatDate(issued.inviteExpiresAt)}.`}
      value={issued.inviteUrl}
      testId="invite-link"
    />
  ) : (
    <ShownOnce
      label={`Temporary password for ${issued.email}.`}
      value={issued.temporaryPassword ?? ""}
      testId="temporary-password"
    />
  );
}

/** Admins: create users with a role, change roles, disable, reset credentials, delete. */
export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [issued, setIssued] = useState<Issued | null>(null);
  const onIssued = (result: { user: { email: string } } & Omit<Issued, "email">) => {
    setIssued({ ...result, email: result.user.email });
    void refresh();
  };
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: onIssued }));
  const reset = useMutation(trpc.users.resetCredentials.mutationOptions({ onSuccess: onIssued }));
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.users.delete.mutationOptions({ onSettled: refresh }));
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setNewRole] = useState<Role>("VIEWER");
  const [method, setMethod] = useState<CredentialMethod>("invite");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setIssued(null);
    create.mutate({ email, name, role, method }, { onSuccess: () => setEmail("") });
  }

  const failure = [create, reset, setRole, setDisabled, remove].find((m) => m.isError)?.error;
  const emailError = (create.error?.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined)?.email?.[0];

  return (
    <>
      <form className="panel" onSubmit={onSubmit} aria-label="New user">
        <h2>New user</h2>
        <div className="form">
          <div className={`field${emailError ? " invalid" : ""}`}>
            <label htmlFor="user-email">Email</label>
            <input id="user-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            {emailError && <span className="error">{emailError}</span>}
          </div>
          <div className="field">
            <label htmlFor="user-name">Name (optional)</label>
            <input id="user-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="user-role">Role</label>
            <select id="user-role" value={role} onChange={(e) => setNewRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r.toLowerCase()}
                </option>
              ))}
            </select>
            <span className="hint">{ROLE_DESCRIPTIONS[role]}</span>
          </div>
          <fieldset className="choices">
            <legend>First sign-in</legend>
            {CREDENTIAL_METHODS.map((m) => (
              <label key={m}>
                <input type="radio" name="method" checked={method === m} onChange={() => setMethod(m)} /> {METHOD_LABELS[m]}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="toolbar" style={{ marginTop: 12, marginBottom: 0 }}>
          <button className="btn primary" type="submit" disabled={create.isPending || email.trim() === ""}>
            Create user
          </button>
        </div>
      </form>
      {issued && <IssuedCredentials issued={issued} />}
      {failure && !emailError && (
        <div className="form-error" role="alert">
          {failure.message}
        </div>
      )}
      <div className="panel">
        {users.isPending ? (
          <div className="empty">Loading…</div>
        ) : users.isError ? (
          <div className="form-error">{users.error.message}</div>
        ) : (
          <table className="data" data-testid="users">
            <thead>
              <tr>
                <th>Email</th>
                <th>Name</th>
                <th>Role</th>
                <th>State</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} data-testid={`user-${u.email}`}>
                  <td>
                    {u.email}
                    {u.id === currentUserId && <span className="muted"> (you)</span>}
                  </td>
                  <td>{u.name ?? "—"}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={setRole.isPending}
                      onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.toLowerCase()}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span className={`badge ${u.state === "active" ? "active" : "inactive"}`}>{u.state}</span>
                    {u.state === "invited" && u.inviteExpiresAt && (
                      <span className="hint-text"> until {formatDate(u.inviteExpiresAt)}</span>
                    )}
                  </td>
                  <td className="muted">{formatDate(u.createdAt)}</td>
                  <td>
                    <div className="toolbar" style={{ margin: 0 }}>
                      {u.id !== currentUserId && (
                        <button
                          type="button"
                          className="btn"
                          disabled={setDisabled.isPending}
                          onClick={() => setDisabled.mutate({ id: u.id, disabled: u.state !== "disabled" })}
                        >
                          {u.state === "disabled" ? "Enable" : "Disable"}
                        </button>
                      )}
                      <button
                        type="button"
                        className="btn"
                        disabled={reset.isPending}
                        title="A new invite link: the old password and every session end"
                        onClick={() => reset.mutate({ id: u.id, method: "invite" })}
                      >
                        New invite link
                      </button>
                      {u.id !== currentUserId &&
                        (confirmDelete === u.id ? (
                          <button
                            type="button"
                            className="btn danger"
                            disabled={remove.isPending}
                            onClick={() => remove.mutate({ id: u.id })}
                          >
                            Really delete {u.email}
                          </button>
                        ) : (
                          <button type="button" className="btn danger" onClick={() => setConfirmDelete(u.id)}>
                            Delete
                          </button>
                        ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
