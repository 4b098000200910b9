import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Imports flow one way, so each folder says where its code runs: core is pure and shared by web,
 * worker and browser; components and pages run in the browser or render it; server is the web
 * side; worker is everything that executes. Type-only imports count too: a type pulled across a
 * boundary drags its module's shape along and is the first step to a value import.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");

interface Rule {
  /** Which files the rule governs (repo-relative). */
  applies: (file: string) => boolean;
  /** The project folders they may import from; anything else of ours is a violation. */
  allowed: readonly string[];
  why: string;
}

const isRouteHandler = (file: string) => /^app\/.*\/route\.ts$/.test(file);

const IMPORT_RULES: readonly Rule[] = [
  { applies: (f) => f.startsWith("core/"), allowed: ["core/"], why: "core is pure and imports nothing else of ours" },
  {
    applies: (f) => f.startsWith("components/"),
    allowed: ["core/", "components/", "trpc/"],
    why: "components reach the server only through the tRPC client",
  },
  {
    applies: (f) => f.startsWith("trpc/"),
    allowed: ["core/", "trpc/", "server/api/root"],
    why: "the tRPC client knows the router's type, nothing else of the server",
  },
  {
    applies: (f) => f.startsWith("app/") && !isRouteHandler(f),
    allowed: ["core/", "components/", "trpc/", "app/", "server/auth/session"],
    why: "pages render components and check the session; data comes through tRPC",
  },
  {
    applies: isRouteHandler,
    allowed: ["core/", "server/"],
    why: "route handlers are the web server's edge: server and core, never the worker or components",
  },
  {
    applies: (f) => f.startsWith("server/"),
    allowed: ["core/", "server/"],
    why: "the web side never imports components or the worker (it enqueues jobs instead)",
  },
  {
    applies: (f) => f.startsWith("cli/"),
    allowed: ["core/", "cli/", "server/api/root"],
    why: "the CLI is an HTTP client of the API: it shares core's schemas and knows the router's type, nothing else",
  },
  {
    applies: (f) => f.startsWith("worker/"),
    allowed: [
      "core/",
      "worker/",
      "server/db/",
      "server/env",
      "server/queue/",
      "server/cluster/",
      "server/runs/",
      "server/reports/comparison",
      "server/metrics/",
      "server/health/readiness",
      "server/log",
    ],
    why: "the worker shares the server's data, queue, cluster, metrics, health-check and logging modules, never its API, auth or pages",
  },
];

const PROJECT_FOLDERS = [
  "app/",
  "components/",
  "core/",
  "server/",
  "worker/",
  "trpc/",
  "cli/",
  "bench/",
  "test/",
  "e2e/",
  "scripts/",
];

function sourceFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter((f) => f && !f.startsWith("server/db/generated/"));
}

/** The repo-relative target of an import of ours, or null for a package. */
function projectTarget(fromFile: string, specifier: string): string | null {
  if (specifier.startsWith("~/")) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  }
  return null;
}

function violationsIn(file: string, text: string): string[] {
  const rule = IMPORT_RULES.find((r) => r.applies(file));
  if (!rule) return [];
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    const target = projectTarget(file, fileName);
    if (target === null || !PROJECT_FOLDERS.some((folder) => target.startsWith(folder))) continue;
    if (!rule.allowed.some((prefix) => target === prefix || target.startsWith(prefix))) {
      out.push(`${file} imports ${fileName}: ${rule.why}`);
    }
  }
  return out;
}

describe("import rules", () => {
  it("hold for every source file", () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) => violationsIn(file, readFileSync(path.join(ROOT, file), "utf8")));
    expect(violations).toEqual([]);
  });

  it("catch a planted violation of each kind", () => {
    expect(violationsIn("core/spec.ts", 'import { db } from "~/server/db/client";')).toHaveLength(1);
    expect(violationsIn("components/runs/x.tsx", 'import type { RunRow } from "~/server/runs/store";')).toHaveLength(1);
    expect(violationsIn("components/runs/x.tsx", 'import { verdictFor } from "../../core/verdict";')).toEqual([]);
    expect(violationsIn("app/(dashboard)/page.tsx", 'import { db } from "~/server/db/client";')).toHaveLength(1);
    expect(violationsIn("app/api/x/route.ts", 'import { db } from "~/server/db/client";')).toEqual([]);
    expect(
      violationsIn("server/api/routers/runs.ts", 'import { processBenchmark } from "~/worker/jobs/benchmark";'),
    ).toHaveLength(1);
    expect(violationsIn("server/reports/http.ts", 'import { MISSING } from "../../components/ui/x";')).toHaveLength(1);
    expect(violationsIn("worker/index.ts", 'import { appRouter } from "~/server/api/root";')).toHaveLength(1);
    expect(violationsIn("worker/jobs/x.ts", 'const m = await import("~/components/runs/run-detail");')).toHaveLength(1);
    expect(violationsIn("cli/commands/x.ts", 'import { db } from "../../server/db/client";')).toHaveLength(1);
    expect(violationsIn("cli/api.ts", 'import type { AppRouter } from "../server/api/root";')).toEqual([]);
  });
});
