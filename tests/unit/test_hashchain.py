from shared.hashchain import GENESIS, chain_hash, first_broken_link


def chain(n: int) -> list[dict]:
    envelopes, prev = [], GENESIS
    for position in range(1, n + 1):
        env = {"position": position, "type": "Thing", "data": {"n": position, "text": "é ✓"}, "prev_hash": prev}
        env["hash"] = prev = chain_hash(prev, env)
        envelopes.append(env)
    return envelopes


def test_an_untouched_chain_verifies():
    assert first_broken_link(chain(5)) is None


def test_the_hash_ignores_key_order_because_the_json_is_canonical():
    env = {"b": 1, "a": [1.5, "x"], "prev_hash": GENESIS}

    assert chain_hash(GENESIS, env) == chain_hash(GENESIS, dict(reversed(list(env.items()))))


def test_the_hash_is_sha256_of_the_previous_hash_then_canonical_json_without_the_hash_field():
    import hashlib

    env = {"z": 1, "a": "b", "prev_hash": GENESIS, "hash": "ignored"}

    expected = hashlib.sha256((GENESIS + '{"a":"b","prev_hash":"' + GENESIS + '","z":1}').encode()).hexdigest()
    assert chain_hash(GENESIS, env) == expected


def test_altering_an_event_names_its_position_as_the_first_broken_link():
    envelopes = chain(5)

    envelopes[2]["data"]["n"] = 99

    assert first_broken_link(envelopes) == 3


def test_deleting_an_event_breaks_the_chain_where_it_was():
    envelopes = chain(5)

    del envelopes[1]

    assert first_broken_link(envelopes) == 2


def test_swapping_two_events_breaks_the_chain_at_the_first_of_them():
    envelopes = chain(5)

    envelopes[3], envelopes[4] = envelopes[4], envelopes[3]

    assert first_broken_link(envelopes) == 4
