"""The roles an account can hold; every account is a participant without being granted it."""

from __future__ import annotations

from shared.contract.vocabulary import ADMIN, ROLES

PARTICIPANT = "participant"
# What each role may do is decided by the services; the gateway only knows who holds which.
GRANTABLE = ROLES
__all__ = ["ADMIN", "ALL", "GRANTABLE", "PARTICIPANT"]
ALL = (PARTICIPANT, *GRANTABLE)


def effective(granted: frozenset[str] | set[str]) -> frozenset[str]:
    """An account's roles: those granted to it, plus participant."""
    return frozenset(granted) | {PARTICIPANT}


def header_value(roles: frozenset[str]) -> str:
    """The roles as forwarded to services in `X-Actor-Roles`: comma-separated, sorted."""
    return ",".join(sorted(roles))
