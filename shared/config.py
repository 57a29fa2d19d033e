"""Every setting of every process, read once from the environment into one frozen dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

TOPICS = {
    "pledge": "charter.pledge.v1",
    "knowledge": "charter.knowledge.v1",
    "pilots": "charter.pilots.v1",
}
DOMAIN_SERVICES = tuple(TOPICS)
# The PostgreSQL role each kind of process connects as; deploy/roles.py says what each may do.
DATABASE_ROLES = {kind: f"charter_{kind}" for kind in (*DOMAIN_SERVICES, "gateway", "projector", "webhooks", "auditor")}


@dataclass(frozen=True)
class Settings:
    """Configuration shared by all processes; each field maps to the upper-cased environment variable."""

    # `database_url` is this process's connection (the owner's, for migrations). Each kind of process connects with
    # its `{kind}_database_url` when set (a production deployment gives each its own, the password in a `passfile`),
    # else with `database_roles` as its role on `database_url`'s server (`make run`: trust on the embedded socket).
    database_url: str = ""
    database_roles: bool = False
    pledge_database_url: str = ""
    knowledge_database_url: str = ""
    pilots_database_url: str = ""
    gateway_database_url: str = ""
    projector_database_url: str = ""
    webhooks_database_url: str = ""
    auditor_database_url: str = ""
    # A directory with a file per role (`charter_pledge`, ...) holding its password: migrations set them from it.
    database_role_passwords_dir: str = ""
    kafka_bootstrap_servers: str = ""
    data_dir: str = ".data"
    host: str = "127.0.0.1"
    gateway_port: int = 8080
    pledge_port: int = 8081
    knowledge_port: int = 8082
    pilots_port: int = 8083
    broker_port: int = 9092
    internal_token: str = ""
    email_salt: str = ""
    # Signed events (shared/signing.py): the Ed25519 private key (PEM) a process appending to its service's store
    # signs with, and the keyring (JSON) of public keys every consumer accepts events under.
    signing_key_file: str = ""
    trusted_keys_file: str = ""
    log_level: str = "INFO"
    # The topics `charter topics ensure` makes: production sets replication 3 and min.insync.replicas 2.
    topic_partitions: int = 3
    topic_replication_factor: int = 1
    topic_min_insync_replicas: int = 1
    # How every Kafka client (producer, consumer, admin) connects: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; TLS
    # files (CA, certificate, key); SASL mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), user, password read from a
    # file; the client id brokers log and quota by (empty: the library's own).
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""
    kafka_ssl_keyfile: str = ""
    kafka_sasl_mechanism: str = ""
    kafka_sasl_username: str = ""
    kafka_sasl_password_file: str = ""
    kafka_client_id: str = ""
    consistency_timeout_s: float = 5.0
    relay_batch_size: int = 2000
    # Each store's relay signs a checkpoint (its Merkle tree head) into the store's log after this many new events,
    # or after this long with any new event (shared/checkpointing.py); 0 events: none.
    checkpoint_every_events: int = 1000
    checkpoint_every_s: float = 60.0
    relay_idle_s: float = 0.5
    broker_check_s: float = 2.0
    max_body_bytes: int = 1024 * 1024
    # Deadlines (commands never hang): each database session waits at most `db_lock_timeout_ms` for a lock and
    # `db_statement_timeout_ms` for a statement; connecting gives up after `db_connect_timeout_s` (libpq's minimum
    # is 2); an HTTP request waits at most `db_pool_timeout_s` for a pooled connection. The gateway's forward
    # waits longer than a service's whole deadline (see `forward_timeout_s`), so the service answers first.
    db_lock_timeout_ms: int = 2000
    db_statement_timeout_ms: int = 5000
    db_connect_timeout_s: int = 2
    db_pool_timeout_s: float = 1.5
    forward_margin_s: float = 2.0
    retry_after_s: int = 2
    # Idempotency keys (per account) are kept at least this long, at the gateway and in each service.
    idempotency_ttl_s: int = 24 * 3600
    max_image_bytes: int = 5 * 1024 * 1024
    # Health: every long-running process beats each `heartbeat_s`; one silent for `heartbeat_stale_s` is reported
    # as not reporting. A relay backlog or consumer lag over `lag_threshold` events for longer than `lag_grace_s`
    # makes the system degraded (a burst that drains within the grace is normal work, not a fault).
    heartbeat_s: float = 1.0
    heartbeat_stale_s: float = 5.0
    lag_threshold: int = 500
    lag_grace_s: float = 15.0
    # Accounts (gateway): session lifetime, cookie security ("auto": Secure when the request came over https),
    # sign-in lockout per e-mail and per client address, and a generous cap on each account's writes.
    session_ttl_s: int = 14 * 24 * 3600
    session_cookie_secure: str = "auto"
    signin_max_failures: int = 5
    signin_ip_max_failures: int = 100
    signin_window_s: int = 900
    signin_lockout_s: int = 900
    write_rate_limit: int = 300
    write_rate_window_s: int = 60
    # Dev-only conveniences (verification links readable over HTTP); `make run` and the tests turn it on.
    dev_mode: bool = False
    # Where people reach the web app: the links mailed to signatories start with it (default: the gateway).
    public_url: str = ""
    # Verification mail goes out through this SMTP relay (not in dev mode). With no host, mail waits queued.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "Interactive Charter <no-reply@localhost>"
    mail_max_attempts: int = 8
    mail_backoff_base_s: float = 30.0
    mail_backoff_max_s: float = 3600.0
    signature_token_ttl_s: float = 48 * 3600.0
    # Proxies in front of the gateway whose X-Forwarded-For entries are trusted to name the client.
    trusted_proxy_hops: int = 0
    # Webhooks: private and loopback receivers only where the operator allows them (link-local and cloud
    # metadata never); a delivery is tried `webhook_max_attempts` times with full-jitter exponential backoff.
    webhook_allow_private: bool = False
    webhook_max_attempts: int = 10
    webhook_backoff_base_s: float = 2.0
    webhook_backoff_max_s: float = 900.0
    webhook_timeout_s: float = 10.0
    webhook_concurrency: int = 4
    # The live stream: each connection lasts at most `sse_max_duration_s` (clients resume with Last-Event-ID),
    # and each gateway worker serves at most `sse_max_streams` at once, keeping threads for ordinary requests.
    sse_max_duration_s: float = 300.0
    sse_poll_s: float = 0.5
    sse_heartbeat_s: float = 15.0
    sse_max_streams: int = 4
    # Metrics: HTTP services serve /metrics on their own port; each background process (relay, consumer, webhook
    # dispatcher, mail) serves its own on the first free port from `metrics_port` (0: none) to
    # `metrics_port + metrics_port_span - 1`, on `metrics_host` (see shared/metrics.py `serve`).
    metrics_port: int = 0
    metrics_port_span: int = 1
    metrics_host: str = "127.0.0.1"
    # Where the gateway reaches each domain service (default http://{host}:{port}), e.g. http://pledge:8081.
    pledge_url: str = ""
    knowledge_url: str = ""
    pilots_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
        """Read every field from its environment variable, falling back to the default.

        A secret may come from a file instead: `INTERNAL_TOKEN_FILE=/run/secrets/internal-token` reads the
        field from that file (its surrounding white space dropped), as container secrets are mounted.
        """
        values = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if not raw and (path := environ.get(f"{f.name.upper()}_FILE")):
                raw = Path(path).read_text().strip()
            if raw is not None and raw != "":
                values[f.name] = _parse(type(getattr(cls, f.name)), raw)
        return replace(cls(**values), **overrides)

    def database_url_of(self, kind: str) -> str:
        """The URL a process of `kind` (a key of DATABASE_ROLES) connects with."""
        if explicit := getattr(self, f"{kind}_database_url"):
            return explicit
        return as_user(self.database_url, DATABASE_ROLES[kind]) if self.database_roles else self.database_url

    def service_url(self, service: str) -> str:
        """Where the gateway reaches a domain service: its `{service}_url`, or this host at its port."""
        return getattr(self, f"{service}_url", "") or f"http://{self.host}:{getattr(self, f'{service}_port')}"

    @property
    def service_deadline_s(self) -> float:
        """The longest a domain service works on one command before it answers 503 itself."""
        return self.db_pool_timeout_s + (self.db_lock_timeout_ms + self.db_statement_timeout_ms) / 1000

    @property
    def forward_timeout_s(self) -> float:
        """How long the gateway waits for a service's answer: its whole deadline, and a margin."""
        return self.service_deadline_s + self.forward_margin_s

    def to_env(self) -> dict[str, str]:
        """The environment that makes a child process read these same settings."""
        return {f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}


def as_user(database_url: str, user: str) -> str:
    """The same connection URL (or `key=value` string) with another user name and no password."""
    if "://" not in database_url:
        return f"{database_url} user={user}"
    parts = urlsplit(database_url)
    host = parts.netloc.rpartition("@")[2]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in ("user", "password")])
    return urlunsplit(parts._replace(netloc=f"{quote(user)}@{host}", query=query))


def _parse(kind: type, raw: str) -> Any:
    # bool("False") is True: booleans are read by their spelling.
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)
