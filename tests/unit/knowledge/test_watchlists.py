"""Watch list events of older logs: no longer emitted, still loaded from their stored JSON."""

from services.knowledge.domain import EVENTS
from services.knowledge.domain.watchlists import PageUnwatched, PageWatched

from .builders import ALICE, new_id


def test_watch_events_of_an_older_log_still_load_from_their_stored_json():
    item_id = new_id()
    stored = [
        ("PageWatched", {"user": ALICE, "item_id": item_id, "kind": "barrier", "watched_at": "2025-03-03T09:00:00Z"}),
        ("PageUnwatched", {"user": ALICE, "item_id": item_id, "unwatched_at": "2025-03-03T10:00:00Z"}),
    ]

    events = [EVENTS.from_data(name, data) for name, data in stored]

    assert events == [PageWatched(ALICE, item_id, "barrier", "2025-03-03T09:00:00Z"),
                      PageUnwatched(ALICE, item_id, "2025-03-03T10:00:00Z")]
    assert [(e.type_name(), e.to_data()) for e in events] == stored
