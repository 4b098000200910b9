import { AuditLog } from "~/components/audit/audit-log";

export default function AuditPage() {
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Who did what and when: logins and failed logins, runs started and cancelled, reports, baselines, probe jobs, users and API
        tokens. An action done with an API token names the token.
      </p>
      <AuditLog />
    </>
  );
}
