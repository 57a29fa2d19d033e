"""The one canonical form of an organisation's name, which producers, read models and filters all compare."""

from __future__ import annotations

import unicodedata


def canonical_organisation(name: str) -> str:
    """The organisation's name as compared for uniqueness: NFKC, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
