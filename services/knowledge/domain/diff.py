"""Word-by-word differences between two revisions of a page."""

from __future__ import annotations

from shared.errors import NotFound
from shared.textdiff import Segment, diff_words

from .model import Item


def diff_revisions(item: Item, older: int, newer: int, *, include_hidden: bool = False) -> dict[str, list[Segment]]:
    """The word diff of each field between two revisions; hidden ones only when asked (moderators)."""
    pair = item.revision(older, field="from"), item.revision(newer, field="to")
    if not include_hidden and any(r.hidden for r in pair):
        raise NotFound("one of these revisions is hidden by a moderator", field="revision")
    old_fields, new_fields = (r.content.text_fields() for r in pair)
    return {name: diff_words(old_fields.get(name, ""), text) for name, text in new_fields.items()}
