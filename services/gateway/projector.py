"""The projector: one consumer group over every topic, feeding the gateway's read models."""

from __future__ import annotations

from shared import subscription
from shared.config import TOPICS
from shared.projection import Projection

from . import projections

GROUP = "gateway-projector"
SCHEMA = "gateway"


def build_projection(pool, schema: str = SCHEMA) -> Projection:
    """The projection of every read model into `schema`."""
    return Projection(pool, schema, projections.handlers())


def main() -> None:
    """Run the projector process: the same loop as every subscription, into the `gateway` schema."""
    subscription.main(GROUP, SCHEMA, list(TOPICS.values()), projections.handlers(), search_path=SCHEMA)


if __name__ == "__main__":
    main()
