/** Accounts e2e/seed-users.ts creates in the test database. Test-only credentials. */
export const E2E_ADMIN = { email: "admin-e2e@test.local", password: "e2e-admin-password" };
export const E2E_VIEWER = { email: "viewer-e2e@test.local", password: "e2e-viewer-password" };
export const E2E_OPERATOR = { email: "operator-e2e@test.local", password: "e2e-operator-password" };
