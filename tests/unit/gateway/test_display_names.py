"""Display names as people choose them, and as replies and pages name people."""

import pytest

from services.gateway.edge.people import ids_named, with_names
from services.gateway.identity.names import FORMER, NameRefused, clean, neutral, shown

SAM = "66265e3b-1c0a-4a51-9d5e-2f7f3c1b9a10"
GONE = "0b7d1e52-7a2c-4a8e-9a57-5cbb0f0e4d21"


def test_a_name_is_kept_trimmed_with_its_inner_spaces_collapsed():
    assert clean("  Sam   Jones \t") == "Sam Jones"


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_a_blank_name_is_refused(text):
    with pytest.raises(NameRefused):
        clean(text)


@pytest.mark.parametrize("text", ["sam@example.org", "Sam <sam@example.org>", "me@localhost"])
def test_a_name_that_looks_like_an_e_mail_address_is_refused(text):
    with pytest.raises(NameRefused, match="e-mail"):
        clean(text)


def test_a_name_of_sixty_characters_is_kept_and_one_of_sixty_one_refused():
    assert clean("a" * 60) == "a" * 60
    with pytest.raises(NameRefused):
        clean("a" * 61)


def test_a_handle_with_a_lone_at_sign_is_a_name():
    assert clean("@sam") == "@sam"


def test_a_neutral_name_is_a_participant_number_and_no_id_fragment():
    assert neutral().startswith("Participant ") and neutral()[12:].isdigit()


def test_a_person_is_shown_by_name_or_as_a_former_participant_once_their_account_is_gone():
    names = {SAM: "Sam"}

    assert shown(SAM, names) == "Sam"
    assert shown(GONE, names) == FORMER
    assert shown("system", names) == "system" and shown(None, names) == "someone"


def test_a_reply_gains_a_person_object_beside_each_person_field_and_keeps_the_id():
    reply = {"draft_id": "d1", "author": SAM, "comments": [{"author": GONE}], "leads": [SAM]}

    named = with_names(reply, {SAM: "Sam"})

    assert sorted(ids_named(reply)) == sorted([SAM, GONE, SAM])
    assert named["author"] == SAM and named["author_person"] == {"id": SAM, "name": "Sam"}
    assert named["comments"][0]["author_person"] == {"id": GONE, "name": FORMER}
    assert named["leads_people"] == [{"id": SAM, "name": "Sam"}]
