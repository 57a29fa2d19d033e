"""The published vocabulary agrees with what the services emit."""

from services.pilots.domain import EVENTS
from shared.checkpoints import CheckpointPublished
from shared.contract import published_types
from shared.contract.vocabulary import PILOT_EVENTS


def test_the_pilot_events_the_vocabulary_lists_are_those_the_pilots_service_registers():
    registered = [cls.type_name() for cls in EVENTS if cls is not CheckpointPublished]  # the store's, not a pilot's

    assert sorted(PILOT_EVENTS) == sorted(registered)


def test_every_pilot_event_in_the_vocabulary_is_published():
    published = {t for (producer, t) in published_types() if producer == "pilots"}

    assert set(PILOT_EVENTS) <= published
