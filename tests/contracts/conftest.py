"""The contract tests' shared fixture: the HTTP apps, built in this process as production builds them."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from shared.config import DOMAIN_SERVICES, Settings
from shared.signing import private_key_file


@pytest.fixture(scope="session")
def apps(database_url, settings):
    """Each HTTP app built as production builds it, to read the routes it registers."""
    from deploy.migrate import migrate
    from services.gateway.app import create_app

    migrate(database_url)
    keys = Path(settings.trusted_keys_file).parent
    settings = Settings(database_url=database_url, internal_token="t", trusted_keys_file=settings.trusted_keys_file,
                        signing_key_file=str(private_key_file(keys, "pledge")))
    built = {"gateway": create_app(settings)}
    for service in DOMAIN_SERVICES:
        module = importlib.import_module(f"services.{service}.app")
        built[service] = module.create_app(settings)
    return built
