import pytest

from services.knowledge.domain.errors import AlreadyExists, NotPermitted
from services.knowledge.domain.images import clean_image
from services.knowledge.domain.photos import AttachPhoto, RemovePhoto, decide_attach_photo, decide_remove_photo
from shared.errors import Invalid

from .builders import ALICE, BOB, MODERATOR, MODERATOR_MO, T0, act, barrier
from .image_bytes import jpeg_with_gps

PHOTO = clean_image(jpeg_with_gps())


def with_photo():
    """A barrier carrying Alice's photo."""
    return act(barrier(), decide_attach_photo, AttachPhoto(ALICE, PHOTO, "Staff at the blocked upload page"))


def test_an_attached_photo_records_hash_type_size_and_alt_text_but_not_its_bytes():
    command = AttachPhoto(ALICE, PHOTO, "Staff at the blocked upload page")

    events = decide_attach_photo(barrier(), command, now=T0)

    data = events[0].to_data()
    assert (data["sha256"], data["media_type"], data["size"]) == (PHOTO.sha256, "image/jpeg", PHOTO.size)
    assert data["alt_text"] == "Staff at the blocked upload page"
    assert not any(isinstance(value, bytes) for value in data.values())


def test_a_photo_without_alt_text_is_refused():
    with pytest.raises(Invalid) as refused:
        decide_attach_photo(barrier(), AttachPhoto(ALICE, PHOTO, " "), now=T0)

    assert refused.value.field == "alt_text"


def test_the_same_photo_twice_on_one_page_is_refused():
    page = with_photo()

    with pytest.raises(AlreadyExists):
        decide_attach_photo(page, AttachPhoto(BOB, PHOTO, "Again"), now=T0)


def test_only_the_person_who_attached_a_photo_or_a_moderator_can_remove_it():
    page = with_photo()

    with pytest.raises(NotPermitted):
        decide_remove_photo(page, RemovePhoto(BOB, PHOTO.sha256, "not nice"), now=T0)

    assert act(page, decide_remove_photo, RemovePhoto(ALICE, PHOTO.sha256, "wrong photo")).photos == ()


def test_a_moderator_removing_someone_elses_photo_is_a_public_decision():
    command = RemovePhoto(MODERATOR_MO, PHOTO.sha256, "shows a child's face", actor_roles=MODERATOR)

    page = act(with_photo(), decide_remove_photo, command)

    assert page.photos == ()
    assert (page.decisions[-1].action, page.decisions[-1].reason) == ("PhotoRemoved", "shows a child's face")
