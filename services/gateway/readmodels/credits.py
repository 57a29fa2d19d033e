"""Credits: who wrote which words of a draft, traced through its remix lineage in the drafts read model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.textdiff import is_space, matcher, tokens


@dataclass(frozen=True)
class Draft:
    """What crediting needs of a draft, read from the drafts read model."""

    draft_id: str
    text: str
    parents: tuple[str, ...]
    author: str


Origin = tuple[str, str, str]  # (token, draft_id, author) of the draft a token first appeared in
Lookup = Callable[[str], Draft | None]


def credits(draft: Draft, lookup: Lookup) -> list[dict[str, str]]:
    """Segments {"text", "draft_id", "author"} of the draft's text, credited to where each first appeared."""
    origins: dict[str, list[Origin]] = {}
    for ancestor in lineage(draft, lookup):
        inherited = [origins[p] for p in ancestor.parents if p in origins]
        origins[ancestor.draft_id] = _attribute(ancestor, inherited)
    return _segments(origins[draft.draft_id])


def lineage(draft: Draft, lookup: Lookup) -> list[Draft]:
    """The draft and every ancestor `lookup` finds, each listed after all of its parents."""
    # Iterative depth-first post-order: a chain of remixes can be longer than Python's recursion limit.
    ordered: list[Draft] = []
    seen: set[str] = set()
    stack: list[tuple[Draft, bool]] = [(draft, False)]
    while stack:
        current, parents_done = stack.pop()
        if parents_done:
            ordered.append(current)
            continue
        if current.draft_id in seen:
            continue
        seen.add(current.draft_id)
        stack.append((current, True))
        for parent_id in reversed(current.parents):
            parent = lookup(parent_id)
            if parent is not None and parent.draft_id not in seen:
                stack.append((parent, False))
    return ordered


def _attribute(draft: Draft, parents: list[list[Origin]]) -> list[Origin]:
    # A token the draft shares with a parent inherits that parent's credit; parents are asked in the
    # order the remixer listed them, so text found in two parents goes to the first. Anything no
    # parent has is the draft author's own writing.
    words = tokens(draft.text)
    found: list[Origin | None] = [None] * len(words)
    for parent in parents:
        blocks = matcher([origin[0] for origin in parent], words).get_matching_blocks()
        for start_in_parent, start, size in blocks:
            for k in range(size):
                if found[start + k] is None:
                    found[start + k] = parent[start_in_parent + k]
    own = (draft.draft_id, draft.author)
    return [(word, *own) if origin is None else origin for word, origin in zip(words, found, strict=True)]


def _segments(origins: list[Origin]) -> list[dict[str, str]]:
    segments: list[dict[str, str]] = []
    for word, draft_id, author in origins:
        # Whitespace joins the run it sits in: crediting a lone space to a remixer is noise.
        same = bool(segments) and (is_space(word) or segments[-1]["draft_id"] == draft_id)
        if same:
            segments[-1]["text"] += word
        else:
            segments.append({"text": word, "draft_id": draft_id, "author": author})
    return segments
