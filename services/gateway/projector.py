"""The projector: one consumer group over every topic, feeding the gateway's read models."""

from __future__ import annotations

from shared import subscription
from shared.config import TOPICS
from shared.projection import Projection

from . import readmodels as projections

GROUP = "gateway-projector"
SCHEMA = "gateway"


def build_projection(pool, schema: str = SCHEMA) -> Projection:
    """The projection of every read model into `schema`."""
    return Projection(pool, schema, projections.handlers())


def main() -> None:
    """Run the projector process: the same loop as every subscription, into the `gateway` schema."""
    # The embedded broker answers an empty fetch only when the fetch wait runs out, even if records arrive
    # meanwhile; kafka-python's 500 ms default added ~250 ms to every read-your-write (bench: p50 at half
    # capacity 258 → 57 ms). A short wait costs idle fetches (~7% of a core here), so only the projector,
    # which readers wait on, pays it; subscribers and the webhook dispatcher keep the default.
    # One consumer per topic (per_topic): a backlog or a broker hiccup on one topic never delays the others' reads.
    subscription.main(GROUP, SCHEMA, list(TOPICS.values()), projections.handlers(), search_path=SCHEMA,
                      per_topic=True, fetch_max_wait_ms=50)


if __name__ == "__main__":
    main()
