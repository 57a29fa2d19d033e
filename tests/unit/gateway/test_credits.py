"""Credits: each passage of a draft traced through the remix lineage to whoever first wrote it."""

from __future__ import annotations

from services.gateway.readmodels.credits import Draft, credits, lineage


def a_charter() -> None:
    """Drafts here are read-model rows; the charter they belong to does not matter to credits."""


def a_draft(_charter: None, draft_id: str, author: str, text: str, parents: tuple[Draft, ...] = ()) -> Draft:
    """A draft as the drafts read model holds it."""
    return Draft(draft_id, text, tuple(p.draft_id for p in parents), author)


def three_generations() -> tuple[Draft, dict[str, Draft]]:
    charter = a_charter()
    share = a_draft(charter, "A", "alice", "We will share data openly.")
    tools = a_draft(charter, "B", "bob", "Staff may use any tool that works.")
    merged = a_draft(
        charter,
        "C",
        "carol",
        "We will share data openly. Staff may use any tool that works for residents.",
        (share, tools),
    )
    final = a_draft(
        charter,
        "D",
        "dave",
        "We will share data openly and safely. Staff may use any tool that works for residents.",
        (merged,),
    )
    return final, {d.draft_id: d for d in (share, tools, merged, final)}


def test_each_passage_is_credited_to_the_draft_it_first_appeared_in():
    final, drafts = three_generations()

    segments = credits(final, drafts.get)

    assert [(s["text"], s["author"]) for s in segments] == [
        ("We will share data openly ", "alice"),
        ("and safely", "dave"),
        (". ", "alice"),
        ("Staff may use any tool that works ", "bob"),
        ("for residents", "carol"),
        (".", "bob"),
    ]


def test_the_credited_segments_rebuild_the_text():
    final, drafts = three_generations()

    segments = credits(final, drafts.get)

    assert "".join(s["text"] for s in segments) == final.text


def test_a_draft_written_from_scratch_is_all_its_authors():
    draft = a_draft(a_charter(), "A", "alice", "All my own words.")

    segments = credits(draft, {}.get)

    assert segments == [{"text": "All my own words.", "draft_id": "A", "author": "alice"}]


def test_a_parent_the_lookup_cannot_find_leaves_the_text_to_the_remixer():
    _, drafts = three_generations()

    segments = credits(drafts["C"], {"C": drafts["C"]}.get)

    assert {s["author"] for s in segments} == {"carol"}


def test_the_lineage_lists_every_ancestor_before_its_descendants():
    final, drafts = three_generations()

    order = [d.draft_id for d in lineage(final, drafts.get)]

    assert order == ["A", "B", "C", "D"]


def test_a_remix_chain_longer_than_the_recursion_limit_is_credited():
    charter = a_charter()
    draft = a_draft(charter, "d0", "alice", "Root words.")
    drafts = {"d0": draft}
    for n in range(1, 1500):
        draft = a_draft(charter, f"d{n}", f"author-{n}", f"Root words. Line {n}.", (draft,))
        drafts[draft.draft_id] = draft

    segments = credits(draft, drafts.get)

    assert segments[0] == {"text": "Root words. ", "draft_id": "d0", "author": "alice"}
