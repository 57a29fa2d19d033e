import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from services.gateway.audit.standalone_verify import canonical

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
