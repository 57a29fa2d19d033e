"""Write kubernetes/*.yaml: `python -m deploy.production.manifests` (needs PyYAML, a dev extra).

deploy/processes.py says which processes run, each one's command, kind and port; compose.yaml says their
environment, secrets and copies. The Kubernetes manifests say the same in Kubernetes' words, so they never
drift. tests/contracts/test_deployment.py checks that the written files are what this script writes, and
compose.yaml against the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from deploy.processes import PROCESSES, Process

HERE = Path(__file__).resolve().parent
NAMESPACE = "charter"
IMAGE = "interactive-charter:latest"
MONITORING = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
# Requests from the benchmark's measured peak (~81 MB resident per process, tests/bench): a gunicorn service is a
# master and two workers, a background process one.
RESOURCES = {
    "http": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    "worker": {"requests": {"cpu": "100m", "memory": "96Mi"}, "limits": {"memory": "192Mi"}},
}


def compose() -> dict[str, Any]:
    """compose.yaml, its anchors resolved."""
    return yaml.safe_load((HERE / "compose.yaml").read_text())


def port(process: Process, svc: dict[str, Any], common: dict[str, str]) -> int:
    """The port a process serves on (an HTTP app's own, a background process's metrics), as compose sets it."""
    return int((common | {k: str(v) for k, v in svc.get("environment", {}).items()})[process.port.upper()])


def command(process: Process, svc: dict[str, Any], common: dict[str, str]) -> list[str]:
    """A process's command line in the image: an HTTP app bound to its port on every interface."""
    return process.command("python", "deploy/gunicorn.conf.py", f"0.0.0.0:{port(process, svc, common)}")


def labels(name: str, role: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "interactive-charter", "charter/role": role}


def role_of(process: Process) -> str:
    if process.kind != "http":
        return "worker"
    return "gateway" if process.public else "service"


def secret_volumes(svc: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The pod's secrets as files under /run/secrets/, as compose mounts them (db-roles: a directory)."""
    files = [s for s in svc.get("secrets", []) if s != "db-roles"]
    volumes, mounts = [], []
    if files:
        sources = [{"secret": {"name": f"charter-{s}", "items": [{"key": "value", "path": s}]}} for s in files]
        volumes.append({"name": "secrets", "projected": {"sources": sources, "defaultMode": 0o440}})
        mounts.append({"name": "secrets", "mountPath": "/run/secrets", "readOnly": True})
    if "db-roles" in svc.get("secrets", []):
        volumes.append({"name": "db-roles", "secret": {"secretName": "charter-db-roles", "defaultMode": 0o440}})
        mounts.append({"name": "db-roles", "mountPath": "/run/secrets/db-roles", "readOnly": True})
    return volumes, mounts


def shared_env(doc: dict[str, Any]) -> dict[str, str]:
    """What every process reads alike (compose's x-env), kept in one ConfigMap."""
    return {k: str(v) for k, v in doc["x-env"].items()}


def own_env(svc: dict[str, Any], common: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": str(v)} for k, v in svc.get("environment", {}).items()
            if common.get(k) != str(v)]


def pod(name: str, svc: dict[str, Any], common: dict[str, str], process: Process | None = None) -> dict[str, Any]:
    """The pod spec of a process of the table (or, without one, a job): command, environment, secrets, probes."""
    volumes, mounts = secret_volumes(svc)
    container: dict[str, Any] = {
        "name": name, "image": IMAGE, "command": command(process, svc, common) if process else list(svc["command"]),
        "envFrom": [{"configMapRef": {"name": "charter-config"}}], "env": own_env(svc, common),
        # gunicorn's worker files and the metrics' multiprocess directory live in /tmp: the only writable place.
        "volumeMounts": [*mounts, {"name": "tmp", "mountPath": "/tmp"}],
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True},
    }
    volumes = [*volumes, {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}]
    if process is not None:
        container |= probes(process, port(process, svc, common)) | {
            "resources": RESOURCES["http" if process.kind == "http" else "worker"]}
    return {"securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
            "containers": [container], "volumes": volumes}


def probes(process: Process, port: int) -> dict[str, Any]:
    """Liveness and readiness on the process's port, at the paths the table gives (see `Process.probes`).

    Operators alert on the gateway's /readyz and the metrics instead.
    """
    live, ready = process.probes
    if process.kind != "http":  # one path for both: its metrics answer
        check = {"httpGet": {"path": live, "port": port}, "periodSeconds": 10, "timeoutSeconds": 2}
        return {"ports": [{"name": "metrics", "containerPort": port}],
                "livenessProbe": check | {"initialDelaySeconds": 20, "failureThreshold": 3},
                "readinessProbe": check | {"failureThreshold": 2}}
    return {"ports": [{"name": "http", "containerPort": port}],
            "livenessProbe": {"httpGet": {"path": live, "port": port}, "initialDelaySeconds": 10,
                              "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3},
            "readinessProbe": {"httpGet": {"path": ready, "port": port}, "periodSeconds": 5, "timeoutSeconds": 1,
                               "failureThreshold": 2}}


def deployment(process: Process, svc: dict[str, Any], common: dict[str, str]) -> list[dict[str, Any]]:
    """A process's Deployment (two copies), its PodDisruptionBudget, and for an HTTP app its Service."""
    name, role = process.name, role_of(process)
    meta = {"name": name, "namespace": NAMESPACE, "labels": labels(name, role)}
    select = {"app.kubernetes.io/name": name}
    docs = [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
             "spec": {"replicas": svc.get("deploy", {}).get("replicas", 2), "selector": {"matchLabels": select},
                      "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                      "template": {"metadata": {"labels": labels(name, role)},
                                   "spec": pod(name, svc, common, process)}}},
            {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta,
             "spec": {"minAvailable": 1, "selector": {"matchLabels": select}}}]
    if process.kind == "http":
        http = port(process, svc, common)
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": meta,
                     "spec": {"selector": select, "ports": [{"name": "http", "port": http, "targetPort": http}]}})
    return docs


def job(name: str, svc: dict[str, Any], common: dict[str, str]) -> dict[str, Any]:
    """A one-shot step (migrations, topics), run to completion before the processes are applied."""
    spec = pod(name, svc, common) | {"restartPolicy": "OnFailure"}
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": f"charter-{name}", "namespace": NAMESPACE, "labels": labels(name, "job")},
            "spec": {"backoffLimit": 10, "ttlSecondsAfterFinished": 86400,
                     "template": {"metadata": {"labels": labels(name, "job")}, "spec": spec}}}


def network_policies(ports: dict[str, int], metrics_port: int) -> list[dict[str, Any]]:
    """Only the gateway reaches the domain services; Prometheus (namespace `monitoring`) scrapes every process."""
    def policy(name: str, pods: dict, ingress: list) -> dict[str, Any]:
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": NAMESPACE},
                "spec": {"podSelector": {"matchLabels": pods}, "policyTypes": ["Ingress"], "ingress": ingress}}

    gateway = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}}}
    service_ports = [{"port": p} for n, p in sorted(ports.items()) if n != "gateway"]
    return [
        policy("charter-deny-by-default", {}, []),
        policy("charter-services-from-gateway", {"charter/role": "service"},
               [{"from": [gateway, MONITORING], "ports": service_ports}]),
        policy("charter-gateway-from-anywhere", {"charter/role": "gateway"}, [{"ports": [{"port": ports["gateway"]}]}]),
        policy("charter-workers-metrics", {"charter/role": "worker"},
               [{"from": [MONITORING], "ports": [{"port": metrics_port}]}]),
    ]


def manifests() -> dict[str, list[dict[str, Any]]]:
    """Each file of kubernetes/ and its documents, in the order they are applied."""
    doc = compose()
    common = shared_env(doc)
    config = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "charter-config", "namespace": NAMESPACE},
               "data": common}]
    jobs = [job(name, doc["services"][name], common) for name in ("migrate", "topics")]
    deployments = [d for p in PROCESSES for d in deployment(p, doc["services"][p.name], common)]
    ports = {p.name: port(p, doc["services"][p.name], common) for p in PROCESSES if p.kind == "http"}
    return {"10-config.yaml": config, "20-jobs.yaml": jobs, "30-processes.yaml": deployments,
            "40-network.yaml": network_policies(ports, int(common["METRICS_PORT"]))}


def render(documents: list[dict[str, Any]]) -> str:
    head = ("# Written by deploy/production/manifests.py from deploy/processes.py and compose.yaml:"
            " edit those, not this file.\n")
    return head + yaml.safe_dump_all(documents, sort_keys=False, width=120)


def main() -> None:
    for name, documents in manifests().items():
        (HERE / "kubernetes" / name).write_text(render(documents))


if __name__ == "__main__":
    main()
