import { byIdInput, byRunIdInput } from "~/server/api/schemas";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "~/server/api/trpc";
import { createProbeJobInput } from "~/server/probes/schemas";
import { cancelProbeJob, createProbeJob, getProbeJob, listProbeJobs } from "~/server/probes/service";
import { probeOverhead } from "~/server/runs/probe-overhead";
import { findProbeResultsOfRun } from "~/server/runs/store";

export const probesRouter = createTRPCRouter({
  /** Probe results of a benchmark run, per probe and repetition. */
  forRun: protectedProcedure.input(byRunIdInput).query(({ input }) => findProbeResultsOfRun(input.runId)),

  /** This run against the same spec without probes: what probing cost in latency and CPU. */
  overhead: protectedProcedure.input(byRunIdInput).query(({ input }) => probeOverhead(input.runId)),

  listJobs: protectedProcedure.query(() => listProbeJobs()),

  getJob: protectedProcedure.input(byIdInput).query(({ input }) => getProbeJob(input.id)),

  /** Runs one probe on its own on the worker's machine for N seconds. */
  createJob: operatorProcedure.input(createProbeJobInput).mutation(({ ctx, input }) => createProbeJob(input, ctx.user.id)),

  cancelJob: operatorProcedure.input(byIdInput).mutation(({ ctx, input }) => cancelProbeJob(input.id, ctx.user.id)),
});
