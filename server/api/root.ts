import { accountRouter } from "./routers/account";
import { auditRouter } from "./routers/audit";
import { clusterRouter } from "./routers/cluster";
import { compareRouter } from "./routers/compare";
import { importsRouter } from "./routers/imports";
import { liveRouter } from "./routers/live";
import { metricsRouter } from "./routers/metrics";
import { probesRouter } from "./routers/probes";
import { reportsRouter } from "./routers/reports";
import { runsRouter } from "./routers/runs";
import { tokensRouter } from "./routers/tokens";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  runs: runsRouter,
  metrics: metricsRouter,
  compare: compareRouter,
  reports: reportsRouter,
  probes: probesRouter,
  cluster: clusterRouter,
  account: accountRouter,
  imports: importsRouter,
  live: liveRouter,
  tokens: tokensRouter,
  users: usersRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
