"""The first admin, from the command line: `python -m services.gateway.admin create-admin --email you@example.org`.

Prints an initial password and an API token, each shown this once and kept only as a hash: nothing is
hard-coded, and only someone who can reach the database can make an admin this way.
"""

from __future__ import annotations

import argparse
import json
import sys

import psycopg

from shared.config import Settings

from .audit.cli import settings as running_settings
from .identity import roles
from .identity.credentials import new_secret
from .identity.schema import migrate
from .identity.store import build

CLI = "cli"  # the `changed_by` of grants made here, in the role audit trail


def create_admin(settings: Settings, email: str) -> dict[str, str | bool]:
    """Make the account with this e-mail an admin (opening it if needed) and issue it an API token."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        migrate(conn)
    identity = build(settings)
    try:
        password, account_id = None, identity.accounts.find(email)
        if account_id is None:
            password = new_secret()
            account_id = identity.accounts.create(email, password)
        identity.accounts.grant(account_id, roles.ADMIN, by=CLI)
        token_id, token = identity.tokens.create(account_id, "created by create-admin")
        return {"account_id": account_id, "password": password or "", "token_id": token_id, "token": token,
                "new_account": password is not None}
    finally:
        identity.pool.close()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it."""
    parser = argparse.ArgumentParser(prog="python -m services.gateway.admin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-admin", help="make an account an admin and print a token for it")
    create.add_argument("--email", required=True, help="the admin's e-mail (opened as a new account if unknown)")
    create.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    settings = running_settings()  # what `make run` recorded in .data/run.env, overridden by the environment
    if not settings.database_url:
        parser.error("start the system with `make run` first, or set DATABASE_URL")
    result = create_admin(settings, args.email)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"admin account: {result['account_id']}")
    if result["new_account"]:
        print(f"initial password (shown once; change it with POST /api/v1/account/password): {result['password']}")
    print(f"API token (shown once; send it as 'Authorization: Bearer <token>'): {result['token']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
