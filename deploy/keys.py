"""`charter keys generate | rotate`: the services' signing keys and the keyring consumers trust (shared/signing.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from shared.config import DOMAIN_SERVICES, Settings
from shared.signing import KEYRING_NAME, ensure_keys, rotate


def add_commands(areas: argparse._SubParsersAction) -> None:
    """The `keys` area of the `charter` command line."""
    keys = areas.add_parser("keys", help="make or rotate the services' event signing keys")
    sub = keys.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help=f"make each service's private key (<service>.pem) that is missing, and"
                                          f" the keyring of public keys ({KEYRING_NAME})")
    gen.add_argument("--dir", type=Path, help="where the keys are (default: the keyring's directory)")
    rot = sub.add_parser("rotate", help="give a service a new key; its old one stays trusted for its old events")
    rot.add_argument("service", choices=DOMAIN_SERVICES)
    rot.add_argument("--dir", type=Path, help="where the keys are (default: the keyring's directory)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    directory = args.dir or (Path(settings.trusted_keys_file).parent if settings.trusted_keys_file else None)
    if directory is None:
        print("charter keys: name the keys' directory with --dir (TRUSTED_KEYS_FILE is not set)")
        return 2
    if args.command == "generate":
        print(json.dumps({"keyring": str(ensure_keys(directory, DOMAIN_SERVICES))}))
    else:
        key_id = rotate(directory, args.service)
        print(json.dumps({"service": args.service, "key_id": key_id,
                          "next": f"restart every {args.service} process that appends so it signs with the new key"}))
    return 0
