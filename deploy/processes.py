"""The one table of the system's processes: what `make run` starts, what production deploys, what the docs list.

deploy/local/stack.py builds its command lines from it and deploy/production/manifests.py its Deployments;
tests/contracts/test_processes.py and test_deployment.py check compose.yaml, the Kubernetes files,
docs/operating.md ("What runs", `python -m deploy.processes` prints it), each service README's Processes row
and the gateway's own lists of what must be reporting and where events park against it (nothing under
services/ may import deploy/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.config import DATABASE_ROLES, TOPICS, Settings

Kind = Literal["http", "relay", "consumer", "worker"]
Copies = Literal["stateless", "lease", "consumer group", "row claims"]
# Every process may run as several copies; this is how they share the work (and so what more copies buy).
COPIES: dict[Copies, str] = {
    "stateless": "any number: state lives in PostgreSQL",
    "lease": "2 for availability: one holds the store's lease and publishes, the other stands by",
    "consumer group": "up to `TOPIC_PARTITIONS`: copies share the group's partitions",
    "row claims": "any number: each copy claims due rows (`FOR UPDATE SKIP LOCKED`)",
}


@dataclass(frozen=True)
class Process:
    """One long-running process: what it runs, as which database role, where it listens, how its copies share."""

    name: str
    kind: Kind
    runs: str  # an HTTP process's gunicorn app (`module:app`), else the module `python -m` runs
    role: str  # the key of shared.config.DATABASE_ROLES it connects as
    copies: Copies
    does: str  # one line for the docs
    args: tuple[str, ...] = ()
    port: str = "metrics_port"  # the Settings field of the port it serves: its HTTP port (with /metrics) or metrics
    schema: str = ""  # where it beats its heartbeats and parks what it cannot apply
    reports: tuple[str, ...] = ()  # the process names its heartbeats carry
    group: str = ""  # a consumer's Kafka consumer group (one consumer per topic joins `<group>.<topic>`)
    needs: str = ""  # a Settings field without which it does not run at all
    public: bool = False  # reached from outside; every other HTTP process only by the gateway
    signs: str = ""  # the producer whose private key it signs its appends with (shared/signing.py); "": none

    def __post_init__(self) -> None:
        if self.role not in DATABASE_ROLES:
            raise ValueError(f"{self.name}: {self.role!r} is not a kind of DATABASE_ROLES")
        if (self.kind == "http") != (self.port != "metrics_port"):
            raise ValueError(f"{self.name}: an HTTP process serves on its own port, any other on the metrics port")
        if (self.kind == "consumer") != bool(self.group):
            raise ValueError(f"{self.name}: a consumer, and only a consumer, has a consumer group")

    def command(self, python: str, gunicorn_config: str, bind: str) -> list[str]:
        """Its command line, run by `python`; an HTTP process under gunicorn with that config, bound to `bind`."""
        if self.kind == "http":
            return [python, "-m", "gunicorn", "-c", gunicorn_config, "-b", bind, self.runs]
        return [python, "-m", self.runs, *self.args]

    @property
    def invocation(self) -> str:
        """What it runs, as the docs and the service READMEs name it: a gunicorn app, or a `python -m` line."""
        return self.runs if self.kind == "http" else " ".join(("python -m", self.runs, *self.args))

    @property
    def service(self) -> str:
        """The service whose README lists it: the one whose code it runs (a relay: the store it publishes)."""
        return self.args[0] if self.kind == "relay" else self.runs.split(".")[1]

    def runs_with(self, settings: Settings) -> bool:
        """Whether these settings run it (mail delivery only with an SMTP relay)."""
        return not self.needs or bool(getattr(settings, self.needs))

    @property
    def probes(self) -> tuple[str, str]:
        """The paths of its liveness and readiness probes, on its port.

        The public gateway's readiness is its /healthz too: its /readyz describes the whole system (a parked
        event or a lagging consumer makes it 503), and taking every gateway copy out of its Service for that
        would turn a degraded system into an outage. A background process proves it is alive by its metrics.
        """
        if self.kind != "http":
            return "/metrics", "/metrics"
        return "/healthz", "/healthz" if self.public else "/readyz"


def _http(service: str, does: str, public: bool = False) -> Process:
    return Process(service, "http", runs=f"services.{service}.wsgi:app", role=service, copies="stateless", does=does,
                   port=f"{service}_port", public=public, signs=service if service in TOPICS else "")


def _relay(service: str) -> Process:
    return Process(f"{service}-relay", "relay", runs="shared.outbox", args=(service,), role=service, copies="lease",
                   does=f"publishes the {service} store's events, in order, to `{TOPICS[service]}`, and signs its"
                        " checkpoints", schema=service, reports=(f"{service}-relay",), signs=service)


PROCESSES: tuple[Process, ...] = (
    _http("gateway", "the one door: web app, public API, accounts, read models, health", public=True),
    _http("pledge", "drafting and signing the pledge: commands from the gateway"),
    _http("knowledge", "the barrier knowledge base: commands from the gateway"),
    _http("pilots", "pilots putting the charter into practice: commands from the gateway"),
    *(_relay(service) for service in TOPICS),
    Process("projector", "consumer", runs="services.gateway.projector", role="projector", copies="consumer group",
            does="feeds the gateway's read models from every topic, a consumer per topic",
            schema="gateway", reports=tuple(f"gateway-projector.{topic}" for topic in TOPICS.values()),
            group="gateway-projector"),
    Process("pilots-subscriptions", "consumer", runs="services.pilots.subscriptions", role="pilots",
            copies="consumer group", does="pilots' copies of the pledge's and the knowledge base's facts",
            schema="pilots", reports=("pilots-subscriptions",), group="pilots-subscriptions"),
    Process("knowledge-subscriptions", "consumer", runs="services.knowledge.subscriptions", role="knowledge",
            copies="consumer group", does="what the knowledge base learns from pilots",
            schema="knowledge", reports=("knowledge-subscriptions",), group="knowledge-subscriptions",
            signs="knowledge"),
    Process("webhook-dispatcher", "consumer", runs="services.gateway.delivery.webhooks.dispatcher", role="webhooks",
            copies="consumer group", does="queues and sends webhook deliveries (its senders claim each with a lease)",
            schema="gateway_hooks", reports=("gateway-webhooks",), group="gateway-webhooks"),
    Process("pledge-mail", "worker", runs="services.pledge.mail_delivery", role="pledge", copies="row claims",
            does="mails signatories their verification links (only with `SMTP_HOST` set)",
            schema="pledge", reports=("pledge-mail",), needs="smtp_host"),
)
BY_NAME = {p.name: p for p in PROCESSES}
HTTP = tuple(p.name for p in PROCESSES if p.kind == "http")


def markdown() -> str:
    """The table as docs/operating.md ("What runs") shows it."""
    rows = ["| process | kind | runs | database role | port | copies | what it does |",
            "|---|---|---|---|---|---|---|"]
    for p in PROCESSES:
        runs = f"gunicorn `{p.invocation}`" if p.kind == "http" else f"`{p.invocation}`"
        live, ready = p.probes
        port = f"`{p.port.upper()}`: " + (f"live `{live}`, ready `{ready}`" if p.kind == "http" else f"`{live}`")
        rows.append(f"| {p.name} | {p.kind} | {runs} | `{DATABASE_ROLES[p.role]}` | {port} | {COPIES[p.copies]} "
                    f"| {p.does} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
