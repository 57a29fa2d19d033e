"""Word-by-word comparison of two texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.textdiff import diff_words, tokens


def test_a_changed_word_is_deleted_and_inserted_between_equal_runs():
    segments = diff_words("the cat sat on the mat", "the dog sat on the mat")

    assert segments == [
        {"op": "equal", "text": "the "},
        {"op": "delete", "text": "cat"},
        {"op": "insert", "text": "dog"},
        {"op": "equal", "text": " sat on the mat"},
    ]


def test_punctuation_is_compared_apart_from_its_word():
    segments = diff_words("We share data.", "We share data openly.")

    assert segments == [
        {"op": "equal", "text": "We share data"},
        {"op": "insert", "text": " openly"},
        {"op": "equal", "text": "."},
    ]


def test_unrelated_sentences_do_not_shred_around_shared_spaces():
    segments = diff_words("the cat sat", "a dog lay")

    assert [s["op"] for s in segments] == ["delete", "insert"]


def test_identical_texts_are_one_equal_segment():
    segments = diff_words("Same words.", "Same words.")

    assert segments == [{"op": "equal", "text": "Same words."}]


words = st.lists(st.sampled_from(["we", "commit", "to", "open", "data", ".", ",", " ", "\n", "  "]), max_size=30)


@given(words.map("".join), words.map("".join))
def test_the_segments_rebuild_both_texts(old, new):
    segments = diff_words(old, new)

    assert "".join(s["text"] for s in segments if s["op"] != "insert") == old
    assert "".join(s["text"] for s in segments if s["op"] != "delete") == new


@given(st.text())
def test_tokens_join_back_into_the_text(text):
    assert "".join(tokens(text)) == text


@given(st.text(), st.text())
def test_any_two_texts_are_rebuilt_from_their_segments(old, new):
    segments = diff_words(old, new)

    assert "".join(s["text"] for s in segments if s["op"] != "insert") == old
    assert "".join(s["text"] for s in segments if s["op"] != "delete") == new
