"""The production deployment (deploy/production/) read against the code: it cannot be started here, so it is parsed.

Every environment variable it sets is a Settings field; every process of deploy/processes.py has a compose service
and a Deployment running the command the table gives, as the role it gives, on its port; probes point at routes
the apps register; topic settings agree.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from deploy.local.stack import ROOT, Stack
from deploy.processes import BY_NAME, PROCESSES
from deploy.topics import specs
from shared.config import DATABASE_ROLES, DOMAIN_SERVICES, Settings

PRODUCTION = ROOT / "deploy/production"
SETTINGS_NAMES = set(Settings().to_env())


def load_manifests_module():
    spec = importlib.util.spec_from_file_location("manifests", PRODUCTION / "manifests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


manifests = load_manifests_module()
COMPOSE = manifests.compose()
COMMON = manifests.shared_env(COMPOSE)
JOB_STEPS = ("migrate", "topics")
# The compose services that run the system's own image, one-shot steps aside.
OURS = {name: svc for name, svc in COMPOSE["services"].items()
        if str(svc.get("image", "")).startswith("interactive-charter:") and name not in JOB_STEPS}
KUBE = {path.name: list(yaml.safe_load_all(path.read_text())) for path in (PRODUCTION / "kubernetes").glob("*.yaml")}
DEPLOYMENTS = {d["metadata"]["name"]: d for docs in KUBE.values() for d in docs if d["kind"] == "Deployment"}
JOBS = {d["metadata"]["name"]: d for docs in KUBE.values() for d in docs if d["kind"] == "Job"}


def stack_commands() -> dict[str, list[str]]:
    """Every process `make run` starts (mail delivery included, as it is when an SMTP relay is set)."""
    return Stack(Settings(smtp_host="smtp.example.org")).commands()


def containers():
    """(where, container) for every container of the system's own image, in compose and Kubernetes."""
    yield from ((f"compose {name}", svc) for name, svc in COMPOSE["services"].items()
                if name in OURS or name in JOB_STEPS)
    for kind, found in (("Deployment", DEPLOYMENTS), ("Job", JOBS)):
        for name, doc in found.items():
            for c in doc["spec"]["template"]["spec"]["containers"]:
                yield f"{kind} {name}", c


def env_names(container) -> set[str]:
    env = container.get("environment", container.get("env", {}))
    return set(env) if isinstance(env, dict) else {e["name"] for e in env}


def setting_of(name: str) -> str:
    """The Settings name an environment variable feeds (`X_FILE` feeds `X`)."""
    return name[: -len("_FILE")] if name.endswith("_FILE") and name[: -len("_FILE")] in SETTINGS_NAMES else name


def route_rules(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules()}


def test_every_environment_variable_the_deployment_sets_is_a_setting():
    configmap = next(d for d in KUBE["10-config.yaml"] if d["kind"] == "ConfigMap")
    unknown = {(where, name) for where, c in containers() for name in env_names(c)
               if setting_of(name) not in SETTINGS_NAMES}
    unknown |= {("ConfigMap", name) for name in configmap["data"] if setting_of(name) not in SETTINGS_NAMES}

    assert not unknown


def test_every_process_of_the_table_has_a_compose_service_and_a_deployment_running_its_command():
    started = {name for name in stack_commands() if name != "broker"}

    assert set(OURS) == set(DEPLOYMENTS) == started == set(BY_NAME)
    for p in PROCESSES:
        command = p.command("python", "deploy/gunicorn.conf.py", f"0.0.0.0:{manifests.port(p, OURS[p.name], COMMON)}")
        assert OURS[p.name]["command"] == command, p.name
        assert DEPLOYMENTS[p.name]["spec"]["template"]["spec"]["containers"][0]["command"] == command, p.name


def test_in_compose_each_process_connects_as_the_role_the_table_gives_and_serves_on_its_settings_port():
    for p in PROCESSES:
        env = {k: str(v) for k, v in OURS[p.name]["environment"].items()}
        role = DATABASE_ROLES[p.role]

        assert urlsplit(env["DATABASE_URL"]).username == role, p.name
        assert env[f"{p.role.upper()}_DATABASE_URL"] == env["DATABASE_URL"], p.name
        assert f"pgpass-{p.role}" in OURS[p.name]["secrets"], p.name
        if p.kind == "http":  # where the gateway reaches it (PLEDGE_URL) and where `make run` binds it
            assert manifests.port(p, OURS[p.name], COMMON) == getattr(Settings(), p.port), p.name


def test_compose_runs_two_copies_of_every_process_behind_health_checks_with_secrets_from_files():
    declared = set(COMPOSE["secrets"])

    for name, svc in OURS.items():
        assert svc["deploy"]["replicas"] == 2, name
        assert svc["healthcheck"]["test"], name
        assert set(svc.get("secrets", [])) <= declared, name
        for var, value in svc["environment"].items():
            if var.endswith("_FILE"):
                assert value.removeprefix("/run/secrets/") in svc["secrets"], (name, var)
            assert not re.search(r"(TOKEN|SALT|PASSWORD)$", var), f"{name} sets the secret {var} in plain text"
    assert all(Path(PRODUCTION, s["file"]).parent.name == "secrets" for s in COMPOSE["secrets"].values())
    assert {f"kafka-{n}" for n in (1, 2, 3)} <= set(COMPOSE["services"])
    assert "KRaft" in (PRODUCTION / "compose.yaml").read_text() and "proxy" in COMPOSE["services"]


def test_probes_point_at_routes_the_apps_register_and_background_processes_at_their_metrics_port(apps):
    metrics_port = int(COMPOSE["x-env"]["METRICS_PORT"])

    for name, deployment in DEPLOYMENTS.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        live, ready = container["livenessProbe"]["httpGet"], container["readinessProbe"]["httpGet"]
        process = BY_NAME[name]
        assert (live["path"], ready["path"]) == process.probes, name
        if process.kind == "http":
            port = getattr(Settings(), process.port)
            assert {live["path"], ready["path"]} <= route_rules(apps[name]), name
            assert live["path"] == "/healthz" and live["port"] == ready["port"] == port, name
            assert ready["path"] == ("/healthz" if name == "gateway" else "/readyz"), name
            assert "/readyz" in route_rules(apps[name]) and "/metrics" in route_rules(apps[name]), name
        else:
            assert live == ready == {"path": "/metrics", "port": metrics_port}, name
            assert COMPOSE["x-env"]["METRICS_HOST"] == "0.0.0.0"
    for p in PROCESSES:
        probe = " ".join(OURS[p.name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{manifests.port(p, OURS[p.name], COMMON)}{p.probes[0]}" in probe, p.name


def test_resource_requests_cover_the_benchmarks_measured_memory_per_process():
    for name, deployment in DEPLOYMENTS.items():
        resources = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
        processes = 3 if BY_NAME[name].kind == "http" else 1  # a gunicorn master and its two workers
        assert _mib(resources["requests"]["memory"]) >= 80 * processes * 0.9, name
        assert _mib(resources["limits"]["memory"]) >= 2 * _mib(resources["requests"]["memory"]), name


def test_a_disruption_budget_keeps_a_copy_of_every_process_and_only_the_gateway_reaches_the_services():
    budgets = {d["metadata"]["name"] for docs in KUBE.values() for d in docs if d["kind"] == "PodDisruptionBudget"}
    policies = {d["metadata"]["name"]: d["spec"] for d in KUBE["40-network.yaml"]}
    services = policies["charter-services-from-gateway"]

    assert budgets == set(DEPLOYMENTS)
    assert policies["charter-deny-by-default"] == {"podSelector": {"matchLabels": {}}, "policyTypes": ["Ingress"],
                                                    "ingress": []}
    assert {DEPLOYMENTS[s]["spec"]["template"]["metadata"]["labels"]["charter/role"] for s in DOMAIN_SERVICES} == {
        services["podSelector"]["matchLabels"]["charter/role"]}
    sources = services["ingress"][0]["from"]
    assert {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}}} in sources
    assert all("podSelector" not in s or s["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "gateway"}
               for s in sources)


def test_topic_settings_match_the_topics_step_and_the_brokers():
    settings = Settings.from_env({k: str(v) for k, v in COMPOSE["x-env"].items()})
    kafka = COMPOSE["services"]["kafka-1"]["environment"]
    wanted = specs(settings)

    assert COMPOSE["services"]["topics"]["command"] == ["charter", "topics", "ensure"]
    assert JOBS["charter-topics"]["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "charter", "topics", "ensure"]
    assert JOBS["charter-migrate"]["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "python", "-m", "deploy.migrate"]
    assert settings.topic_replication_factor == int(kafka["KAFKA_DEFAULT_REPLICATION_FACTOR"]) == 3
    assert settings.topic_min_insync_replicas == int(kafka["KAFKA_MIN_INSYNC_REPLICAS"]) == 2
    assert all(s.configs["retention.ms"] == kafka["KAFKA_LOG_RETENTION_MS"] == "-1" for s in wanted)
    assert all(s.configs["cleanup.policy"] == "delete" and s.partitions == settings.topic_partitions for s in wanted)
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # topics exist only as `charter topics ensure` made them


def test_the_kubernetes_manifests_are_what_the_table_and_compose_yaml_make_of_them():
    for name, documents in manifests.manifests().items():
        assert (PRODUCTION / "kubernetes" / name).read_text() == manifests.render(documents), (
            f"run {sys.executable} -m deploy.production.manifests")


def _mib(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) * (1024 if unit == "Gi" else 1)
