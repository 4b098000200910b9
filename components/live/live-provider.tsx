"use client";

import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import type { IntervalEvent, RowEvent } from "~/core/live-events";
import { useTRPC, useTRPCClient } from "~/trpc/react";

/**
 * "live": the page's stream is open and pushes every change, so nothing polls. "polling": the
 * stream is down (or not up yet), and pages refresh on a timer as they did before it existed.
 */
export type LiveState = "connecting" | "live" | "polling";

interface LiveContextValue {
  state: LiveState;
  /** The latest per-second figures of each running benchmark, pushed by the worker. */
  latestInterval: ReadonlyMap<string, IntervalEvent>;
}

const LiveContext = createContext<LiveContextValue>({ state: "polling", latestInterval: new Map() });

/** How long a stream that ended (session check, server restart) waits before the next try. */
const RESUBSCRIBE_MS = 3_000;

/**
 * One stream per page: every component reads its state from here, and the events update the
 * cached queries in place (progress, phase) or refetch what a status change makes stale.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  const [latestInterval, setLatestInterval] = useState<ReadonlyMap<string, IntervalEvent>>(new Map());

  useEffect(() => {
    let stopped = false;
    let subscription: { unsubscribe: () => void } | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = () => {
      subscription = client.live.events.subscribe(undefined, {
        onData: (message) => {
          if (message.type === "ready") {
            setState("live");
            // Whatever changed while the stream was down or opening is read once now.
            void queryClient.invalidateQueries();
          } else if (message.type === "row") {
            applyRowEvent(queryClient, trpc, message);
          } else {
            setLatestInterval((previous) => new Map(previous).set(message.runId, message));
          }
        },
        onConnectionStateChange: (connection) => {
          if (connection.state === "connecting" && connection.error) setState("polling");
        },
        onError: () => setState("polling"),
        onComplete: () => {
          setState("polling");
          if (!stopped) retry = setTimeout(subscribe, RESUBSCRIBE_MS);
        },
      });
    };
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(retry);
      subscription?.unsubscribe();
    };
  }, [client, queryClient, trpc]);

  return <LiveContext.Provider value={{ state, latestInterval }}>{children}</LiveContext.Provider>;
}

type Trpc = ReturnType<typeof useTRPC>;

function applyRowEvent(queryClient: QueryClient, trpc: Trpc, event: RowEvent): void {
  if (event.table !== "BenchmarkRun") {
    // Probe jobs and reports have their own pages' queries; a status change refreshes them.
    void queryClient.invalidateQueries({ queryKey: event.table === "Report" ? trpc.reports.pathKey() : trpc.probes.pathKey() });
    return;
  }
  const key = trpc.runs.get.queryKey({ id: event.id });
  const cached = queryClient.getQueryData(key);
  if (cached && cached.status === event.status) {
    // Same status: progress and phase change in place, no request.
    queryClient.setQueryData(key, {
      ...cached,
      progress: event.progress ?? cached.progress,
      phase: event.phase === undefined ? cached.phase : event.phase,
      cancelRequested: event.cancelRequested ?? cached.cancelRequested,
    });
    return;
  }
  // A new run or a status change: results, lists and comparisons may all differ now.
  void queryClient.invalidateQueries({ queryKey: key });
  void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
  void queryClient.invalidateQueries({ queryKey: trpc.compare.pathKey() });
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** A query's refetch interval: `ms` only while the page cannot rely on the stream. */
export function useFallbackPolling(): (ms: number) => number | false {
  const { state } = useLive();
  return (ms) => (state === "live" ? false : ms);
}

/** The stream's state in the top bar, so a user can tell a quiet run from a stalled page. */
export function LiveIndicator() {
  const { state } = useLive();
  const title =
    state === "live"
      ? "Changes are pushed to this page as they happen"
      : state === "connecting"
        ? "Opening the live stream"
        : "Live stream interrupted: this page refreshes on a timer";
  return (
    <span className={`live-indicator ${state}`} data-testid="live-indicator" data-state={state} title={title}>
      {state === "live" ? "● live" : state === "connecting" ? "○ connecting" : "○ polling"}
    </span>
  );
}

/** Tells the user the page has fallen back to polling; nothing while the stream is fine. */
export function LiveBanner() {
  const { state } = useLive();
  if (state !== "polling") return null;
  return (
    <div className="notice" role="status" data-testid="live-banner">
      Live updates are interrupted; this page refreshes every few seconds until they are back.
    </div>
  );
}
