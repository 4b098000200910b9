import type { NextConfig } from "next";
import { MAX_REQUEST_BODY_BYTES } from "./server/http/body-limit";
import { STATIC_SECURITY_HEADERS } from "./server/http/security-headers";

const nextConfig: NextConfig = {
  // The container image's build sets this: a self-contained server (.next/standalone) with only the
  // files it needs. `next start` (npm start, the tests) warns about standalone builds, so only then.
  // Its type check is skipped there: `npm test` runs tsc over the same sources.
  ...(process.env.MESHBENCH_STANDALONE === "1" ? { output: "standalone" as const, typescript: { ignoreBuildErrors: true } } : {}),
  // Native addons and packages that open sockets stay plain Node requires on the server.
  serverExternalPackages: ["@node-rs/argon2", "bullmq", "ioredis", "pg", "@prisma/adapter-pg", "prom-client", "hdr-histogram-js"],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // With a proxy, Next.js copies each request body for it, silently cut at this size, at the last
    // whole chunk that fits. Twice the app's own limit keeps every cut body longer than that limit
    // (socket chunks are far smaller), so the route handlers still count past it and answer 413.
    proxyClientMaxBodySize: 2 * MAX_REQUEST_BODY_BYTES,
  },
  async headers() {
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
