"""Verifying the log: each store's hash chain and signatures, and that its topic holds exactly the stored events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from shared.hashchain import first_broken_link
from shared.signing import Keyring


@dataclass
class ServiceReport:
    """What an auditor learns about one service's log; `ok` only when nothing is wrong."""

    service: str
    stored: int
    published: int
    first_broken_link: int | None = None
    missing_on_topic: list[int] = field(default_factory=list)
    differing_on_topic: list[int] = field(default_factory=list)
    not_in_store: list[int] = field(default_factory=list)
    duplicates_on_topic: int = 0
    # Events not genuinely the producer's, in its store or on its topic: {where, position, event_id, problem}.
    badly_signed: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_broken_link is None and not (
            self.missing_on_topic or self.differing_on_topic or self.not_in_store or self.badly_signed)

    def to_dict(self) -> dict:
        return asdict(self) | {"ok": self.ok}


def verify(service: str, stored: list[dict], published: list[dict], keyring: Keyring, limit: int = 20) -> ServiceReport:
    """Check the stored chain and every signature, and compare the topic with the store, naming the first problems.

    Duplicates on the topic are normal (delivery is at least once) and only counted; a record that
    differs from the stored event at its position, or a stored event absent from the topic, is not.
    Nor is a stored or published event whose signature does not verify under its producer's keys in `keyring`.
    """
    by_position: dict[int, dict] = {}
    duplicates = 0
    for env in published:
        if env["position"] in by_position and by_position[env["position"]] == env:
            duplicates += 1
            continue
        by_position.setdefault(env["position"], env)
    stored_positions = {e["position"]: e for e in stored}
    return ServiceReport(
        service=service,
        stored=len(stored),
        published=len(by_position),
        first_broken_link=first_broken_link(stored),
        missing_on_topic=[p for p in stored_positions if p not in by_position][:limit],
        differing_on_topic=[p for p, e in stored_positions.items() if p in by_position and by_position[p] != e][:limit],
        not_in_store=[p for p in by_position if p not in stored_positions][:limit],
        duplicates_on_topic=duplicates,
        # On the topic, what is not a copy of a stored event: a record produced there by anyone but the relay.
        badly_signed=(_badly_signed("store", stored, keyring) + _badly_signed(
            "topic", [e for e in published if stored_positions.get(e["position"]) != e], keyring))[:limit],
    )


def _badly_signed(where: str, envelopes: list[dict], keyring: Keyring) -> list[dict]:
    return [{"where": where, "position": env.get("position"), "event_id": env.get("event_id"), "problem": problem}
            for env in envelopes if (problem := keyring.problem(env)) is not None]
