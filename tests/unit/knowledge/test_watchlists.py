import json

import pytest

from services.knowledge.domain import EVENTS
from services.knowledge.domain.errors import Conflict, NotFound
from services.knowledge.domain.moderation import ModerateItem, decide_hide
from services.knowledge.domain.watchlists import (
    MAX_WATCHED,
    UnwatchPage,
    Watchlist,
    WatchPage,
    decide_unwatch,
    decide_watch,
    evolve,
    stream_id,
)
from shared.events import replay

from .builders import ALICE, BOB, MODERATOR, MODERATOR_MO, T0, act, barrier, solution


def watching(*pages, user=ALICE):
    """Alice's watch list after she watched `pages`, and the events that made it."""
    state, log = None, []
    for page in pages:
        events = decide_watch(state, page, WatchPage(user), now=T0)
        state, log = replay(evolve, events, state), log + events
    return state, log


def test_watching_pages_puts_them_on_the_watch_list_with_their_kind():
    page, answer = barrier(), solution()

    state, log = watching(page, answer)

    assert state.item_ids == (page.id, answer.id)
    assert [(e.item_id, e.kind, e.user) for e in log] == [(page.id, "barrier", ALICE), (answer.id, "solution", ALICE)]


def test_watching_a_page_twice_is_refused():
    page = barrier()
    state, _ = watching(page)

    with pytest.raises(Conflict) as refused:
        decide_watch(state, page, WatchPage(ALICE), now=T0)

    assert refused.value.field == "item_id"


def test_an_unknown_or_hidden_page_cannot_be_watched():
    hidden = act(barrier(), decide_hide, ModerateItem(MODERATOR_MO, "spam", actor_roles=MODERATOR))

    with pytest.raises(NotFound):
        decide_watch(None, None, WatchPage(ALICE), now=T0)
    with pytest.raises(Conflict):
        decide_watch(None, hidden, WatchPage(ALICE), now=T0)


def test_unwatching_takes_the_page_off_the_list():
    page, other = barrier(), barrier()
    state, _ = watching(page, other)

    state = replay(evolve, decide_unwatch(state, UnwatchPage(ALICE, page.id), now=T0), state)

    assert state.item_ids == (other.id,)


def test_unwatching_a_page_not_watched_is_refused():
    state, _ = watching(barrier())

    with pytest.raises(NotFound) as refused:
        decide_unwatch(state, UnwatchPage(ALICE, "not-watched"), now=T0)

    assert refused.value.field == "item_id"


def test_a_watch_list_holds_a_bounded_number_of_pages():
    full = Watchlist(ALICE, tuple(f"page-{n}" for n in range(MAX_WATCHED)))

    with pytest.raises(Conflict):
        decide_watch(full, barrier(), WatchPage(ALICE), now=T0)


def test_each_person_has_their_own_watch_list_stream():
    assert stream_id(ALICE) != stream_id(BOB)


def test_a_watch_list_replays_from_its_json_events():
    state, log = watching(barrier(), solution())

    stored = [(e.type_name(), json.loads(json.dumps(e.to_data()))) for e in log]

    assert replay(evolve, [EVENTS.from_data(name, data) for name, data in stored], None) == state
