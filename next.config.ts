import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and packages that open sockets stay plain Node requires on the server.
  serverExternalPackages: ["@node-rs/argon2", "bullmq", "ioredis", "pg", "@prisma/adapter-pg", "prom-client", "hdr-histogram-js"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
