/**
 * Kernel enum values the tracepoints print as numbers. Stable ABI: include/net/tcp_states.h and
 * the softirq vector list in include/linux/interrupt.h (also visible in the tracepoints' print fmt).
 */
const TCP_STATES = [
  "",
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
  "NEW_SYN_RECV",
] as const;

export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_SYN_RECV = 3;
export const TCP_CLOSE = 7;

export function tcpStateName(state: number): string {
  return TCP_STATES[state] || `state_${state}`;
}

const SOFTIRQ_VECTORS = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"] as const;

export function softirqName(vector: number): string {
  return SOFTIRQ_VECTORS[vector] ?? `vec_${vector}`;
}

export const NETWORK_SOFTIRQS: readonly string[] = ["NET_RX", "NET_TX"];
