/**
 * The audit log's actions, for the filter's choices and labels. The server records more than
 * these only if a new action is added without one here; the log still shows it, by its name.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  login: "logged in",
  login_failed: "failed to log in",
  sign_out_everywhere: "signed out everywhere",
  "password.change": "changed their password",
  "password.change_failed": "failed to change their password",
  "run.create": "started a run",
  "run.cancel": "cancelled a run",
  "run.baseline.set": "marked a baseline",
  "run.baseline.clear": "unmarked a baseline",
  "report.generate": "generated a report",
  "report.delete": "deleted a report",
  "probe.create": "started a probe job",
  "probe.cancel": "cancelled a probe job",
  "token.create": "created an API token",
  "token.revoke": "revoked an API token",
  "user.create": "created a user",
  "user.role": "changed a user's role",
  "user.disable": "disabled a user",
  "user.enable": "enabled a user",
  "user.reset_credentials": "reset a user's credentials",
  "user.delete": "deleted a user",
  "user.invite_accepted": "set their password from an invite",
};

/** Groups the filter offers besides single actions: every action starting with the prefix. */
export const AUDIT_ACTION_GROUPS: Record<string, string> = {
  "login*": "logins and failed logins",
  "run.*": "runs and baselines",
  "report.*": "reports",
  "probe.*": "probe jobs",
  "token.*": "API tokens",
  "user.*": "users",
  "password.*": "passwords",
};

export const AUDIT_ACTION_FILTER = /^[a-z_.]{1,64}\*?$/;
