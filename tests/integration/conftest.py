import psycopg
import pytest

from services.gateway.identity.schema import migrate
from shared.db import connect_pool
from shared.eventstore import EventStore
from shared.signing import Signer


@pytest.fixture
def auth_pool(database_url, schema):
    """The gateway's account schema, freshly migrated under a unique name, and a pool searching it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn, schema)
    pool = connect_pool(database_url, max_size=4, name="auth-test", search_path=schema)
    yield pool
    pool.close()


@pytest.fixture
def store(pool, schema):
    """A service's event store in a fresh schema."""
    s = EventStore(pool, schema, signer=Signer.generate(schema))
    with pool.connection() as conn:
        s.migrate(conn)
    return s
