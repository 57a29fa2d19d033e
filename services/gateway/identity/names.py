"""Display names: the public name a person chooses, checked the same way at sign-up, on change and in forms."""

from __future__ import annotations

import re
import secrets
import unicodedata

MAX_CHARS = 60
FORMER = "a former participant"
# Text on both sides of an @ reads as an address (sam@example.org, sam@localhost): refused, since a
# name is shown to everyone and an address must never be. A lone "@handle" is not an address.
LOOKS_LIKE_EMAIL = re.compile(r"[^\s@]@[^\s@]")


ACCOUNT_ID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


class NameRefused(ValueError):
    """A display name that cannot be used, with why (said to the person choosing it)."""


def clean(text: str | None) -> str:
    """The display name as kept: trimmed and its inner whitespace collapsed, or NameRefused saying why not."""
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not name:
        raise NameRefused("choose a name to show beside what you write")
    if len(name) > MAX_CHARS:
        raise NameRefused(f"use at most {MAX_CHARS} characters")
    if LOOKS_LIKE_EMAIL.search(name):
        raise NameRefused("never an e-mail address: your name is shown publicly")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise NameRefused("use letters, digits and punctuation only")
    return name


def neutral() -> str:
    """A neutral generated name, for accounts with none of their own and for names a moderator resets."""
    return f"Participant {1000 + secrets.randbelow(9000)}"


def shown(actor: str | None, names: dict[str, str]) -> str:
    """How a person is named to others: their display name; "a former participant" for an account id whose
    account is gone; a system actor (no account id) by its own short name; "someone" when nobody is known."""
    if not actor:
        return "someone"
    if actor in names:
        return names[actor]
    return FORMER if is_account_id(actor) else actor


def is_account_id(value: str) -> bool:
    """Whether a value has the shape of an account id (a UUID), as opposed to a system actor's name."""
    return bool(ACCOUNT_ID.fullmatch(value))
