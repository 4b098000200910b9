import { isKubernetesMesh, KUBERNETES_MESH_PROFILES, type ProfileFacts } from "./kubernetes-meshes";
import type { MeshProfile } from "./meshes";

/**
 * What a run of each profile measures, on either backend: the local proxy pairs stand in for a
 * sidecar mesh (two L7 hops, no mTLS). Pure: the run page, the compare page's warnings and the
 * README's table read it.
 */
const LOCAL_FACTS: Partial<Record<MeshProfile, ProfileFacts>> = {
  nginx: { proxying: "L7", mtls: "no", proxyHops: 2, path: "client-side nginx → server-side nginx" },
  haproxy: { proxying: "L7", mtls: "no", proxyHops: 2, path: "client-side HAProxy → server-side HAProxy" },
};

export function profileFacts(mesh: MeshProfile): ProfileFacts {
  if (isKubernetesMesh(mesh)) return KUBERNETES_MESH_PROFILES[mesh].facts;
  return LOCAL_FACTS[mesh] ?? KUBERNETES_MESH_PROFILES.baseline.facts;
}

/** "L7, mTLS, 2 proxy hops": the facts in a phrase. */
export function describeFacts(facts: ProfileFacts): string {
  if (facts.proxying === "none") return "no proxy";
  const mtls = facts.mtls === "yes" ? "mTLS" : facts.mtls === "no" ? "no mTLS" : "mutual authentication without encryption";
  return `${facts.proxying}, ${mtls}, ${facts.proxyHops} proxy hop${facts.proxyHops === 1 ? "" : "s"}`;
}
