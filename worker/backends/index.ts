import type { RunSpec } from "~/server/domain/spec";
import { LocalBackend } from "./local/local-backend";
import type { Backend } from "./types";

export function createBackend(spec: RunSpec): Backend {
  switch (spec.backend) {
    case "LOCAL":
      return new LocalBackend();
    case "KUBERNETES":
      throw new Error("The Kubernetes backend is not available in this version yet; use the local backend.");
  }
}
