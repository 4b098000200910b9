/** The run's objects are pure and shared with the web's manifest dry run: they live in core. */
export * from "~/core/kubernetes-manifests";
