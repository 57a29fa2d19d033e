"""A stale edit's refusal, explained: the revisions made since and a word diff of what they changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.errors import NotFound

from .domain.diff import diff_revisions
from .domain.errors import StaleRevision
from .domain.model import Item


class EditConflict(StaleRevision):
    """A StaleRevision carrying what changed between the editor's revision and the latest one."""

    code = StaleRevision.code

    def __init__(self, stale: StaleRevision, diff: dict[str, list[dict[str, str]]] | None) -> None:
        super().__init__(stale.based_on, stale.changes)
        self.diff = diff


@contextmanager
def explaining_stale_edits(item: Item) -> Iterator[None]:
    """Turn a StaleRevision raised inside into an EditConflict that shows what changed since."""
    try:
        yield
    except StaleRevision as stale:
        raise EditConflict(stale, what_changed(item, stale)) from stale


def what_changed(item: Item, stale: StaleRevision) -> dict[str, list[dict[str, str]]] | None:
    """The word diff of each changed field from the editor's revision to the latest visible one."""
    try:
        fields = diff_revisions(item, stale.based_on, stale.latest)
    except NotFound:
        return None  # the editor's revision has been hidden since: its text is not shown back
    return {name: changes for name, changes in fields.items() if any(c["op"] != "equal" for c in changes)}


def conflict_body(exc: EditConflict) -> dict[str, Any]:
    """The 409 reply: the usual error shape, plus the revisions made since and their diff."""
    return {
        "code": "stale_revision",
        "message": exc.message,
        "errors": {"based_on_revision": [exc.message]},
        "based_on_revision": exc.based_on,
        "latest_revision": exc.latest,
        "changes": [{"revision": r.number, "author": r.author, "summary": r.summary, "at": r.at}
                    for r in exc.changes],
        "diff": exc.diff,
    }
