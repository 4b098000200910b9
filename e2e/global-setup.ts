import { execFileSync } from "node:child_process";

/** Seeds the e2e accounts through tsx, the same runtime as the app's own scripts. */
export default function globalSetup(): void {
  execFileSync("npx", ["tsx", "e2e/seed-users.ts"], { stdio: "inherit", env: process.env });
}
