import pytest

from shared.errors import Invalid, optional_text, require_text


def test_required_text_is_given_back_stripped():
    assert require_text("  Leeds City Council ", "organisation", 200) == "Leeds City Council"


def test_blank_text_is_refused_naming_its_field():
    with pytest.raises(Invalid) as refused:
        require_text(" \n ", "title", 200)

    assert (refused.value.field, refused.value.message) == ("title", "title must not be blank")


def test_a_domain_can_word_the_refusal_of_blank_text_itself():
    with pytest.raises(Invalid) as refused:
        require_text("", "reason", 2000, blank="say why the pilot stops")

    assert (refused.value.field, refused.value.message) == ("reason", "say why the pilot stops")


def test_text_longer_than_its_limit_is_refused_but_surrounding_spaces_do_not_count():
    assert require_text("  abc  ", "tag", 3) == "abc"

    with pytest.raises(Invalid) as refused:
        require_text("abcd", "tag", 3)

    assert (refused.value.field, refused.value.message) == ("tag", "tag must be at most 3 characters")


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_optional_text_that_is_missing_or_blank_is_none(missing):
    assert optional_text(missing, "statement", 10) is None


def test_optional_text_that_is_given_is_stripped_and_bounded():
    assert optional_text(" We sign. ", "statement", 10) == "We sign."

    with pytest.raises(Invalid):
        optional_text("x" * 11, "statement", 10)
