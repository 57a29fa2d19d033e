"""The pilots service's own view of the pledge: which organisations hold a live, verified signature.

It is fed from pledge events read off the log into the local dataclasses below; the pilots service
never imports the pledge service nor reads its tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType


@dataclass(frozen=True)
class SignatureVerifiedSeen:
    organisation_id: str
    organisation_name: str
    organisation_type: str
    charter_id: str
    version: int


@dataclass(frozen=True)
class SignatureWithdrawnSeen:
    organisation_id: str
    charter_id: str
    version: int


@dataclass(frozen=True)
class Signatory:
    """An organisation as the pledge events describe it, with the signatures it currently holds."""

    organisation_id: str
    organisation_name: str
    organisation_type: str
    live: frozenset[tuple[str, int]] = frozenset()
    ever_signed: bool = False

    @property
    def is_live(self) -> bool:
        """True while at least one verified signature has not been withdrawn."""
        return bool(self.live)

    @property
    def has_withdrawn(self) -> bool:
        """True once an organisation that signed holds no live signature any more."""
        return self.ever_signed and not self.live


@dataclass(frozen=True)
class Signatories:
    """The organisations seen in pledge events, by id."""

    by_id: Mapping[str, Signatory] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, organisation_id: str) -> Signatory | None:
        """The signatory with this id, or None if no pledge event named it."""
        return self.by_id.get(organisation_id)

    def is_live(self, organisation_id: str) -> bool:
        """True when the organisation holds a live, verified signature."""
        signatory = self.get(organisation_id)
        return signatory is not None and signatory.is_live


SignatureSeen = SignatureVerifiedSeen | SignatureWithdrawnSeen


def observe(view: Signatories, seen: SignatureSeen) -> Signatories:
    """Apply one pledge fact to the view; applying the same fact twice changes nothing."""
    key = (seen.charter_id, seen.version)
    current = view.get(seen.organisation_id)
    match seen:
        case SignatureVerifiedSeen():
            base = current or Signatory(seen.organisation_id, "", "")
            updated = replace(
                base,
                organisation_name=seen.organisation_name,
                organisation_type=seen.organisation_type,
                live=base.live | {key},
                ever_signed=True,
            )
        case SignatureWithdrawnSeen():
            if current is None:
                return view
            updated = replace(current, live=current.live - {key})
    return Signatories(MappingProxyType({**view.by_id, seen.organisation_id: updated}))


def from_facts(*facts: SignatureSeen) -> Signatories:
    """A view built from pledge facts in log order."""
    view = Signatories()
    for seen in facts:
        view = observe(view, seen)
    return view
