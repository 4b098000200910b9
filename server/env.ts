import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_RUN_LIMITS } from "~/core/spec";

/** An IPv4/IPv6 address, or one with a /prefix (CIDR). */
function isAddressOrCidr(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Configuration, validated once. Every variable has a default that works on a developer
 * machine with the local PostgreSQL and Redis, except the auth secret, which the start and test
 * scripts generate into var/ (never committed).
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/meshbench"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Prometheus the server queries for live charts; npm start runs one here. */
  PROMETHEUS_URL: z
    .url()
    .default("http://127.0.0.1:9090")
    .transform((u) => u.replace(/\/+$/, "")),
  /**
   * The job label of the kubelet's cAdvisor series in the cluster's Prometheus (kube-prometheus-stack:
   * "kubelet"), for per-component CPU and memory of Kubernetes runs; "" = match any job.
   */
  CADVISOR_JOB: z.string().default("kubelet"),
  /** The label naming the node on cAdvisor series (kube-prometheus-stack: "node"). */
  CADVISOR_NODE_LABEL: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a Prometheus label name")
    .default("node"),
  NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional(),
  NEXTAUTH_URL: z.url().default("http://localhost:3000"),
  /** Namespaces BullMQ keys so tests and a running app can share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/)
    .default("meshbench"),
  /** How long one database read of a run or a runs page answers every viewer asking (0: never shared). */
  SHARED_READ_MS: z.coerce.number().int().min(0).max(5_000).default(500),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
  /** fortio image for the Kubernetes backend's client and server pods (default: the public fortio image). */
  FORTIO_IMAGE: z.string().min(1).optional(),
  /** The client pods' driver (a shell with wget and cat; busybox by default). */
  FORTIO_DRIVER_IMAGE: z.string().min(1).optional(),
  /** bpftrace image of the cluster probes (the bpftrace project no longer publishes one). */
  BPFTRACE_IMAGE: z.string().min(1).optional(),
  /** How often the worker re-enqueues lost runs and fails runs of dead workers. */
  WORKER_RECONCILE_SECONDS: z.coerce.number().min(0.5).max(3600).default(15),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Login attempts allowed per email+IP in LOGIN_WINDOW_SECONDS before it is locked. */
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated). Empty:
   * the client address is the socket's, whatever the request's headers say.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isAddressOrCidr, "must be an IP address or CIDR (e.g. 10.0.0.0/8)"))),
  /** Requests one API token may make per minute before it gets 429. */
  API_TOKEN_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Requests with an unknown, revoked or expired API token allowed per client address in LOGIN_WINDOW_SECONDS. */
  API_TOKEN_MAX_FAILURES: z.coerce.number().int().min(1).default(30),
  /** How long an invite link to set a first password stays valid. */
  INVITE_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** Bearer token Prometheus sends to /api/metrics; unset, the endpoint answers 404. */
  METRICS_TOKEN: z.string().min(32, "METRICS_TOKEN must be at least 32 characters").optional(),
  /** How long a login lasts. */
  SESSION_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(8 * 60 * 60),
  /** How stale a session's view of its user may be: a deleted or demoted user loses access within this. */
  SESSION_RECHECK_SECONDS: z.coerce.number().min(0).max(60).default(30),
  /** The longest run accepted, all repetitions and warm-ups included. */
  MAX_RUN_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_RUN_LIMITS.maxRunSeconds),
  /**
   * How web and worker write their logs: "text", plain lines for a terminal, or "json", one JSON
   * object per line (level, time, service, run id, job, message) for a log collector; the images
   * set "json".
   */
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  /** Where the worker serves /metrics and its health checks: loopback unless in a container. */
  WORKER_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** The most requests a fixed-rate run may ask for (rate × time, all repetitions). */
  MAX_RUN_REQUESTS: z.coerce.number().int().min(1).default(DEFAULT_RUN_LIMITS.maxRunRequests),
  /**
   * The worker applies pending migrations when it starts (npm start). False where a migrations Job
   * applies them first (deploy/kubernetes): the worker then refuses to start on a database that
   * lacks migrations instead of changing its schema.
   */
  MIGRATE_ON_START: z.stringbool().default(true),
});

export type Env = z.infer<typeof envSchema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);

/**
 * Where the cluster's kubeconfig comes from. Read on every call, not once: client-node's
 * loadFromDefault() reads the same variables each time it is called, and the two must agree.
 */
export function kubeconfigSources(source: NodeJS.ProcessEnv = process.env): { files: string[]; inCluster: boolean } {
  return {
    files: (source.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean),
    inCluster: Boolean(source.KUBERNETES_SERVICE_HOST),
  };
}
