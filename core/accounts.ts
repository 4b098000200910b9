/** Password rules shared by the server's checks and the forms' hints. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** How a new user (or one who lost their password) gets in: a one-time link, or a password shown once. */
export const CREDENTIAL_METHODS = ["invite", "password"] as const;
export type CredentialMethod = (typeof CREDENTIAL_METHODS)[number];

export type AccountState = "active" | "invited" | "disabled";
