import type { RecordedRequest } from "~/test/fakes/fake-kube-api";

/** What RBAC checks for one API request: the API server's request-info rules, for the paths our code uses. */
export interface Access {
  group: string;
  resource: string;
  verb: string;
}

export function accessOf(request: RecordedRequest): Access | null {
  const parts = request.path.split("/").filter(Boolean);
  if (parts[0] !== "api" && parts[0] !== "apis") return null; // /version: a non-resource URL every user may read
  const group = parts[0] === "api" ? "" : (parts[1] ?? "");
  let rest = parts.slice(parts[0] === "api" ? 2 : 3);
  if (rest[0] === "namespaces" && rest.length > 2) rest = rest.slice(2);
  const [resource = "", name, sub] = rest;
  const verb = { GET: name ? "get" : "list", POST: "create", DELETE: "delete" }[request.method] ?? request.method;
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb };
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const grants = (rules: Rule[], a: Access) =>
  rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb));
