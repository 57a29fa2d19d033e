"""One reading of an RFC 3339 moment for every edge that takes one (`?as_of=`, `charter audit snapshot`)."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.envelope import past_moment


@pytest.mark.parametrize("text", ["2026-03-01T00:00:00Z", "2026-03-01T01:00:00+01:00", "2026-03-01T00:00:00.000000Z"])
def test_a_moment_with_a_zone_reads_as_the_same_instant_in_utc(text):
    assert past_moment(text) == datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(("text", "says"), [
    ("2026-03-01T00:00:00", "time zone"), ("yesterday", "time zone"), ("", "time zone"),
    ((datetime.now(UTC) + timedelta(days=1)).isoformat(), "future")])
def test_a_moment_without_a_zone_or_yet_to_come_is_refused_saying_why(text, says):
    with pytest.raises(ValueError, match=says):
        past_moment(text)
