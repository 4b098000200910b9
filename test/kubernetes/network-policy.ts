/**
 * Which connections a set of NetworkPolicies allows, by the rules of the NetworkPolicy API
 * (kubernetes.io/docs/concepts/services-networking/network-policies): a pod selected by any
 * policy of a direction is isolated in it, and then a connection passes when one rule of one
 * such policy matches it; a rule without `to`/`from` matches every peer, without `ports` every
 * port; a peer with both namespaceSelector and podSelector must match both; a podSelector alone
 * means pods of the policy's own namespace. Our manifests use no ipBlock or port ranges.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

interface Peer {
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface Rule {
  ports?: { protocol?: string; port?: number | string }[];
  to?: Peer[];
  from?: Peer[];
}
export interface Policy {
  metadata: { name: string; namespace?: string };
  spec: { podSelector: LabelSelector; policyTypes?: ("Ingress" | "Egress")[]; ingress?: Rule[]; egress?: Rule[] };
}

/** One end of a connection: a pod (with its namespace's labels) or an address outside the cluster. */
export type Endpoint =
  | { pod: Record<string, string>; namespace: string; namespaceLabels: Record<string, string> }
  | { external: true };

export function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = key(labels, e.key);
    const ok =
      e.operator === "In"
        ? has && (e.values ?? []).includes(labels[e.key] as string)
        : e.operator === "NotIn"
          ? !has || !(e.values ?? []).includes(labels[e.key] as string)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

const key = (labels: Record<string, string>, k: string) => Object.hasOwn(labels, k);

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  if ("external" in other) return false;
  if (peer.ipBlock) throw new Error("ipBlock peers are not modelled here");
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, other.namespaceLabels)) return false;
  } else if (other.namespace !== policyNamespace) {
    return false;
  }
  return peer.podSelector ? matches(peer.podSelector, other.pod) : true;
}

function ruleMatches(
  rule: Rule,
  peers: Peer[] | undefined,
  policyNamespace: string,
  other: Endpoint,
  port: number,
  protocol: string,
) {
  const portOk =
    !rule.ports ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || p.port === port));
  const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policyNamespace, other));
  return portOk && peerOk;
}

const typesOf = (p: Policy) => p.spec.policyTypes ?? (p.spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);

/** Whether `from` may open a connection to `to` on port/protocol, given every policy of both namespaces. */
export function allowed(policies: Policy[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  const nsOf = (p: Policy) => p.metadata.namespace ?? "default";
  let egressOk = true;
  if (!("external" in from)) {
    const selecting = policies.filter(
      (p) => nsOf(p) === from.namespace && typesOf(p).includes("Egress") && matches(p.spec.podSelector, from.pod),
    );
    if (selecting.length > 0)
      egressOk = selecting.some((p) => (p.spec.egress ?? []).some((r) => ruleMatches(r, r.to, nsOf(p), to, port, protocol)));
  }
  let ingressOk = true;
  if (!("external" in to)) {
    const selecting = policies.filter(
      (p) => nsOf(p) === to.namespace && typesOf(p).includes("Ingress") && matches(p.spec.podSelector, to.pod),
    );
    if (selecting.length > 0)
      ingressOk = selecting.some((p) =>
        (p.spec.ingress ?? []).some((r) => ruleMatches(r, r.from, nsOf(p), from, port, protocol)),
      );
  }
  return egressOk && ingressOk;
}
