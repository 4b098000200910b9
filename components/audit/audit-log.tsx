"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { LoadMore } from "~/components/ui/load-more";
import { AUDIT_ACTION_GROUPS, AUDIT_ACTION_LABELS } from "~/core/audit-actions";
import { formatDate } from "~/core/format/units";
import { useTRPC } from "~/trpc/react";

interface Filter {
  action?: string;
  user?: string;
  from?: Date;
  to?: Date;
}

/** A datetime-local value (the browser's local time) as a Date, or undefined when empty or invalid. */
function localTime(value: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function exportHref(filter: Filter): string {
  const params = new URLSearchParams();
  if (filter.action) params.set("action", filter.action);
  if (filter.user) params.set("user", filter.user);
  if (filter.from) params.set("from", filter.from.toISOString());
  if (filter.to) params.set("to", filter.to.toISOString());
  const query = params.toString();
  return `/api/audit/export${query ? `?${query}` : ""}`;
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object" || Array.isArray(detail)) return JSON.stringify(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/** Who did what and when, newest first, filterable, a page at a time, exportable as CSV. */
export function AuditLog() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const [action, setAction] = useState("");
  const [user, setUser] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ limit: 50, ...filter }, { getNextPageParam: (last) => last.nextCursor }),
  );
  const events = query.data?.pages.flatMap((p) => p.items) ?? [];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFilter({ action: action || undefined, user: user.trim() || undefined, from: localTime(from), to: localTime(to) });
  }

  return (
    <>
      <form className="panel" onSubmit={onSubmit} aria-label="Filter the audit log">
        <div className="form">
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
              <option value="">any</option>
              <optgroup label="Groups">
                {Object.entries(AUDIT_ACTION_GROUPS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Actions">
                {Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {value} ({label})
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-user">User</label>
            <input id="audit-user" value={user} onChange={(e) => setUser(e.target.value)} placeholder="email or part of it" />
          </div>
          <div className="field">
            <label htmlFor="audit-from">From</label>
            <input id="audit-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="audit-to">To</label>
            <input id="audit-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
        </div>
        <div className="toolbar" style={{ marginTop: 12, marginBottom: 0 }}>
          <button className="btn primary" type="submit">
            Filter
          </button>
          <a className="btn" href={exportHref(filter)} download>
            Export CSV
          </a>
        </div>
      </form>
      <div className="panel">
        {query.isError ? (
          <div className="form-error">{query.error.message}</div>
        ) : query.isPending ? (
          <div className="empty">Loading…</div>
        ) : events.length === 0 ? (
          <div className="empty">No events match.</div>
        ) : (
          <table className="data" data-testid="audit-events">
            <thead>
              <tr>
                <th>Time</th>
                <th>User</th>
                <th>Action</th>
                <th>Target</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="muted">{formatDate(e.createdAt)}</td>
                  <td>{e.user?.email ?? "—"}</td>
                  <td title={AUDIT_ACTION_LABELS[e.action]}>{e.action}</td>
                  <td>{e.target ?? ""}</td>
                  <td className="prose">{detailText(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore query={query} />
      </div>
    </>
  );
}
