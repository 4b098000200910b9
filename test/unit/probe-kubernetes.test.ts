import { Job } from "kubernetes-models/batch/v1/Job";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { describe, expect, it } from "vitest";
import { PROBE_NAMES } from "~/core/probes";
import { DEFAULT_BPFTRACE_IMAGE, probeKubernetesObjects } from "~/worker/probes/kubernetes";

const base = { runId: "cmh3x9y2k0000abcd1234efgh", nodeName: "worker-2.example.internal", durationSeconds: 60 };

describe("probe Kubernetes objects", () => {
  it.each(PROBE_NAMES)("%s: ConfigMap and Job pass the Kubernetes schemas", (probe) => {
    const { configMap, job } = probeKubernetesObjects({ ...base, probe, namespace: "meshbench" });
    expect(() => new ConfigMap(configMap).validate()).not.toThrow();
    expect(() => new Job(job).validate()).not.toThrow();
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("runs bpftrace on the program from the ConfigMap, on that node, with host pids and tracing mounts", () => {
    const { configMap, job, program } = probeKubernetesObjects({ ...base, probe: "runqlat" });
    expect(configMap.data?.["probe.bt"]).toBe(program);
    expect(program).toContain("if (elapsed >= 60000000000) { exit(); }");
    const pod = job.spec?.template.spec;
    expect(pod?.hostPID).toBe(true);
    expect(pod?.restartPolicy).toBe("Never");
    expect(
      pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields,
    ).toEqual([{ key: "metadata.name", operator: "In", values: [base.nodeName] }]);
    const container = pod?.containers[0];
    expect(container?.image).toBe(DEFAULT_BPFTRACE_IMAGE);
    expect(container?.command?.join(" ")).toContain("bpftrace -f json /etc/meshbench/probe.bt");
    expect(container?.securityContext?.privileged).toBe(true);
    expect(container?.env).toEqual([{ name: "BPFTRACE_MAP_KEYS_MAX", value: "65536" }]);
    const mounts = container?.volumeMounts ?? [];
    for (const p of ["/sys/fs/bpf", "/lib/modules", "/usr/src"]) {
      expect(mounts.find((m) => m.mountPath === p)?.readOnly, p).toBe(true);
    }
    // bpftrace writes kprobe_events/uprobe_events under tracefs (or debugfs's tracing directory).
    for (const p of ["/sys/kernel/debug", "/sys/kernel/tracing"])
      expect(mounts.find((m) => m.mountPath === p)?.readOnly, p).toBe(false);
    expect(pod?.volumes?.find((v) => v.name === "program")?.configMap?.name).toBe(configMap.metadata.name);
  });

  it("has a deadline, a TTL and MeshBench's labels", () => {
    const { job, configMap, selector } = probeKubernetesObjects({
      ...base,
      probe: "syscalls",
      startupGraceSeconds: 100,
      ttlSecondsAfterFinished: 600,
    });
    expect(job.spec?.activeDeadlineSeconds).toBe(160);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(600);
    expect(job.spec?.backoffLimit).toBe(0);
    for (const labels of [job.metadata.labels, job.spec?.template.metadata?.labels, configMap.metadata.labels]) {
      expect(labels?.["app.kubernetes.io/managed-by"]).toBe("meshbench");
      expect(labels?.["meshbench.io/run-id"]).toBe(base.runId);
    }
    expect(job.metadata.annotations?.["meshbench.io/node"]).toBe(base.nodeName);
    expect(selector).toBe(`app.kubernetes.io/managed-by=meshbench,meshbench.io/run-id=${base.runId}`);
  });

  it("can pin by nodeName, drop privileged for capabilities, and use another image", () => {
    const { job } = probeKubernetesObjects({
      ...base,
      probe: "tcp_rtt",
      pinning: "nodeName",
      privileged: false,
      image: "registry.local/bpftrace:0.20",
    });
    expect(() => new Job(job).validate()).not.toThrow();
    const pod = job.spec?.template.spec;
    expect(pod?.nodeName).toBe(base.nodeName);
    expect(pod?.affinity).toBeUndefined();
    const container = pod?.containers[0];
    expect(container?.image).toBe("registry.local/bpftrace:0.20");
    expect(container?.securityContext).toEqual({
      privileged: false,
      capabilities: { add: ["BPF", "PERFMON", "SYS_ADMIN", "SYS_RESOURCE"] },
    });
    expect(container?.command?.join(" ")).not.toContain("mount -t tracefs");
  });

  it("gives each run × node × probe its own name, and hashes run ids that are not label values", () => {
    const a = probeKubernetesObjects({ ...base, probe: "softirq" });
    const b = probeKubernetesObjects({ ...base, probe: "softirq", nodeName: "worker-3" });
    expect(a.job.metadata.name).not.toBe(b.job.metadata.name);
    const odd = probeKubernetesObjects({ ...base, probe: "softirq", runId: "run with spaces/and slashes" });
    expect(odd.job.metadata.labels?.["meshbench.io/run-id"]).toMatch(/^h-[0-9a-f]{8}$/);
    expect(() => new Job(odd.job).validate()).not.toThrow();
  });

  it("gives each iteration its own names and an iteration label; keeps mesh proxies out of the probe pod", () => {
    const one = probeKubernetesObjects({ ...base, probe: "runqlat", iteration: 1 });
    const two = probeKubernetesObjects({ ...base, probe: "runqlat", iteration: 2 });
    expect(one.job.metadata.name).not.toBe(two.job.metadata.name);
    expect(one.configMap.metadata.name).toBe(one.job.metadata.name);
    expect(() => new Job(two.job).validate()).not.toThrow();
    for (const labels of [two.job.metadata.labels, two.job.spec?.template.metadata?.labels, two.configMap.metadata.labels])
      expect(labels?.["meshbench.io/iteration"]).toBe("2");
    expect(probeKubernetesObjects({ ...base, probe: "runqlat" }).job.metadata.labels).not.toHaveProperty(
      "meshbench.io/iteration",
    );
    const template = two.job.spec?.template.metadata;
    expect(template?.labels).toMatchObject({ "sidecar.istio.io/inject": "false", "istio.io/dataplane-mode": "none" });
    expect(template?.annotations).toEqual({ "linkerd.io/inject": "disabled", "consul.hashicorp.com/connect-inject": "false" });
    expect(() => probeKubernetesObjects({ ...base, probe: "runqlat", iteration: 1.5 })).toThrow(/iteration/);
  });

  it("refuses what it cannot express", () => {
    expect(() => probeKubernetesObjects({ ...base, probe: "runqlat", nodeName: "Bad_Node" })).toThrow(/node name/);
    expect(() => probeKubernetesObjects({ ...base, probe: "runqlat", durationSeconds: 0 })).toThrow(/durationSeconds/);
    expect(() => probeKubernetesObjects({ ...base, probe: "syscalls", comms: ['x"; system("rm")'] })).toThrow(
      /invalid probe options/,
    );
  });
});
