"""Every setting of every process, read once from the environment into one frozen dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

TOPICS = {
    "pledge": "charter.pledge.v1",
    "knowledge": "charter.knowledge.v1",
    "pilots": "charter.pilots.v1",
}
DOMAIN_SERVICES = tuple(TOPICS)


@dataclass(frozen=True)
class Settings:
    """Configuration shared by all processes; each field maps to the upper-cased environment variable."""

    database_url: str = ""
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
    log_level: str = "INFO"
    topic_partitions: int = 3
    consistency_timeout_s: float = 5.0
    relay_batch_size: int = 2000
    relay_idle_s: float = 0.5
    broker_check_s: float = 2.0
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides) -> Settings:
        """Read every field from its environment variable, falling back to the default."""
        values = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = type(getattr(cls, f.name))(raw)
        return replace(cls(**values), **overrides)

    def service_url(self, service: str) -> str:
        """Where the gateway reaches a domain service."""
        return f"http://{self.host}:{getattr(self, f'{service}_port')}"

    def to_env(self) -> dict[str, str]:
        """The environment that makes a child process read these same settings."""
        return {f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}
