import json

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from services.gateway.audit.standalone_verify import canonical, verify

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500)
@given(json_values)
def test_the_standard_library_canonical_json_matches_rfc8785(value):
    assert canonical(value).encode() == rfc8785.dumps(value)


def export_of(*events: dict) -> list[str]:
    from shared.hashchain import GENESIS, chain_hash

    lines, prev = [], GENESIS
    for position, data in enumerate(events, start=1):
        env = {"producer": "pledge", "position": position, "type": "Noted", "data": data, "prev_hash": prev}
        env["hash"] = prev = chain_hash(prev, env)
        lines.append(json.dumps(env))
    return lines


def test_an_export_in_position_order_verifies():
    assert verify(export_of({"n": 1}, {"n": 2}, {"n": 3})) == {"pledge": None}


def test_an_export_whose_lines_were_swapped_does_not_verify_though_each_event_is_intact():
    lines = export_of({"n": 1}, {"n": 2}, {"n": 3})

    swapped = [lines[0], lines[2], lines[1]]

    assert verify(swapped) == {"pledge": 2}


def test_an_export_with_a_missing_event_breaks_where_it_is_missing():
    lines = export_of({"n": 1}, {"n": 2}, {"n": 3})

    assert verify([lines[0], lines[2]]) == {"pledge": 2}
