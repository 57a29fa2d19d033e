"""Sealed personal fields open only with their subject's key, for the record they were sealed in."""

import pytest

from shared import sealing

FIELDS = {"signatory_name": "Jane Example", "signatory_role": "Chief Executive", "email_hash": "ab12"}


def test_a_sealed_value_opens_with_its_subjects_key_and_shows_nothing_in_the_clear():
    key = sealing.new_key()

    sealed = sealing.seal(key, "subject-1", "signature-1", FIELDS)

    assert sealing.open_sealed(key, "subject-1", "signature-1", sealed) == FIELDS
    assert sealed.startswith("a1.") and not any(value in sealed for value in FIELDS.values())


def test_sealing_the_same_fields_twice_gives_two_different_values():
    key = sealing.new_key()

    assert sealing.seal(key, "s", "r", FIELDS) != sealing.seal(key, "s", "r", FIELDS)


@pytest.mark.parametrize(("key", "subject", "record"), [
    ("other", "subject-1", "signature-1"),  # another subject's key (or the erased one's, made again)
    ("same", "subject-2", "signature-1"),  # copied into another subject's event
    ("same", "subject-1", "signature-2"),  # copied into another signature
])
def test_a_sealed_value_does_not_open_with_another_key_subject_or_record(key, subject, record):
    mine = sealing.new_key()
    sealed = sealing.seal(mine, "subject-1", "signature-1", FIELDS)

    with pytest.raises(sealing.SealBroken):
        sealing.open_sealed(mine if key == "same" else sealing.new_key(), subject, record, sealed)


@pytest.mark.parametrize("tamper", [
    lambda s: s[:-2] + ("AA" if s[-2:] != "AA" else "BB"),  # an altered ciphertext or tag
    lambda s: "b1" + s[2:],  # an unknown format
    lambda s: "a1.not base64!",
])
def test_an_altered_sealed_value_is_refused(tamper):
    key = sealing.new_key()

    with pytest.raises(sealing.SealBroken):
        sealing.open_sealed(key, "s", "r", tamper(sealing.seal(key, "s", "r", FIELDS)))


def test_a_key_travels_as_text_and_back():
    key = sealing.new_key()

    assert sealing.key_bytes(sealing.key_text(key)) == key and len(key) == 32


def test_an_erased_subjects_fields_each_read_erased():
    assert sealing.erased(("signatory_name", "signatory_role")) == {
        "signatory_name": "erased", "signatory_role": "erased"}
