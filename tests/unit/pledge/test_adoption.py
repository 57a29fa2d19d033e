"""Adoption: a steward closes the round and freezes one draft's text as the charter's next version."""

from __future__ import annotations

import pytest

from services.pledge.domain.charters import (
    AdoptVersion,
    OpenRound,
    RoundClosed,
    VersionAdopted,
    adopt_version,
    evolve,
    open_round,
)
from services.pledge.domain.drafts import DraftWithdrawn
from services.pledge.domain.drafts import evolve as evolve_draft
from services.pledge.domain.errors import DraftAlreadyAdopted, PledgeConflict
from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid, NotFound

from .builders import PARTICIPANT, STEWARD, STEWARDS, T0, a_charter, a_draft, apply, closed, with_adopted_version


def test_a_new_charter_has_its_first_round_open_and_no_version():
    charter = a_charter()

    assert (charter.round_number, charter.round_open, charter.versions) == (1, True, ())


def test_adopting_a_draft_closes_the_round_and_freezes_its_text_as_version_one():
    charter = a_charter()
    draft = a_draft(charter, text="I commit to overcoming the barriers.")

    events = adopt_version(charter, draft, AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS), T0)

    assert events == [
        RoundClosed(charter.charter_id, 1),
        VersionAdopted(charter.charter_id, 1, 1, draft.draft_id, draft.title, draft.text, rfc3339(T0)),
    ]
    adopted = apply(evolve, charter, events)
    assert not adopted.round_open and adopted.current_version.text == "I commit to overcoming the barriers."


def test_a_new_round_later_adopts_version_two():
    charter = a_charter()
    charter = with_adopted_version(charter, a_draft(charter))
    charter = apply(evolve, charter, open_round(charter, OpenRound(charter.charter_id, None, STEWARD, STEWARDS), T0))
    better = a_draft(charter, "draft-2", text="A better pledge.")

    charter = with_adopted_version(charter, better)

    assert [(v.number, v.draft_id) for v in charter.versions] == [(1, "draft-1"), (2, "draft-2")]


def test_a_round_already_closed_by_the_steward_can_still_adopt():
    charter = a_charter()
    draft = a_draft(charter)
    adopt = AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS)

    events = adopt_version(closed(charter), draft, adopt, T0)

    assert [type(e) for e in events] == [VersionAdopted]


def test_one_round_adopts_one_version_only():
    charter = a_charter()
    draft = a_draft(charter)
    charter = with_adopted_version(charter, draft)

    with pytest.raises(PledgeConflict):
        adopt_version(charter, draft, AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS), T0)


def test_a_draft_already_adopted_is_not_adopted_again_in_a_later_round():
    charter = a_charter()
    draft = a_draft(charter)
    charter = with_adopted_version(charter, draft)
    charter = apply(evolve, charter, open_round(charter, OpenRound(charter.charter_id, None, STEWARD, STEWARDS), T0))

    with pytest.raises(DraftAlreadyAdopted) as refused:
        adopt_version(charter, draft, AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS), T0)

    assert (refused.value.field, refused.value.code) == ("draft_id", "draft_already_adopted")
    assert "version 1" in refused.value.message


def test_a_participant_without_the_steward_role_cannot_adopt_a_version():
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(Forbidden):
        adopt_version(charter, draft, AdoptVersion(charter.charter_id, draft.draft_id, "alice", PARTICIPANT), T0)


def test_adopting_an_unknown_draft_is_refused():
    charter = a_charter()

    with pytest.raises(NotFound) as refused:
        adopt_version(charter, None, AdoptVersion(charter.charter_id, "nope", STEWARD, STEWARDS), T0)

    assert refused.value.field == "draft_id"


def test_adopting_a_draft_of_another_charter_is_refused():
    charter = a_charter()
    foreign = a_draft(a_charter("charter-2"))

    with pytest.raises(Invalid):
        adopt_version(charter, foreign, AdoptVersion(charter.charter_id, foreign.draft_id, STEWARD, STEWARDS), T0)


def test_adopting_a_withdrawn_draft_is_refused():
    charter = a_charter()
    draft = a_draft(charter)
    withdrawn = apply(evolve_draft, draft, [DraftWithdrawn(draft.draft_id)])

    with pytest.raises(PledgeConflict):
        adopt_version(charter, withdrawn, AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS), T0)
