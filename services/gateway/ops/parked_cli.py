"""`charter parked list | retry | skip`: an operator's command line over the admin API's parked events.

It acts through the gateway, as an admin (an API token in `--token` or `CHARTER_TOKEN`), so the
request is checked and recorded exactly as one made from the admin page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import urllib3

from shared.config import Settings

from .operations import STORES


def add_commands(areas) -> None:
    """Add the `parked` area and its commands to the `charter` parser."""
    parked = areas.add_parser("parked", help="list, retry or skip events a consumer parked")
    parked.add_argument("--token", default=os.environ.get("CHARTER_TOKEN", ""),
                        help="an admin's API token (default: $CHARTER_TOKEN)")
    sub = parked.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="the parked events, oldest first")
    listing.add_argument("--all", action="store_true", help="include retried and skipped ones")
    listing.add_argument("--json", action="store_true", help="print JSON rather than a table")
    for action, text in (("retry", "apply a parked event again, once its cause is fixed"),
                         ("skip", "pass over a parked event for good, saying why")):
        p = sub.add_parser(action, help=text)
        p.add_argument("store", choices=STORES, help="where it is parked (the first column of `list`)")
        p.add_argument("parked_id", type=int, help="its id (the second column of `list`)")
        p.add_argument("--reason", required=action == "skip", default="", help="why (required for a skip)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one `charter parked` command; 0 when the gateway took it."""
    if not args.token:
        print("charter parked needs an admin's API token: --token or CHARTER_TOKEN", file=sys.stderr)
        return 2
    base = f"http://{settings.host}:{settings.gateway_port}/api/v1/admin/parked"
    headers = {"Authorization": f"Bearer {args.token}", "Content-Type": "application/json"}
    http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=2, read=10))
    if args.command == "list":
        reply = http.request("GET", base + ("?all=true" if args.all else ""), headers=headers)
    else:
        reply = http.request("POST", f"{base}/{args.store}/{args.parked_id}/{args.command}", headers=headers,
                             body=json.dumps({"reason": args.reason}).encode())
    body = json.loads(reply.data or b"{}")
    if reply.status >= 300:
        print(f"refused ({reply.status} {body.get('code')}): {body.get('message')}", file=sys.stderr)
        return 1
    if args.command != "list":
        print(f"{args.command} asked for {args.store} {args.parked_id}: the consumer carries it out within seconds")
    elif args.json:
        print(json.dumps(body["parked"], indent=2))
    else:
        _table(body["parked"])
    return 0


def _table(parked: list[dict]) -> None:
    if not parked:
        print("no event is parked")
        return
    for p in parked:
        print(f"{p['store']}\t{p['parked_id']}\t{p['status']}\t{p['consumer']}\t{p['type']} {p['stream_id']}"
              f" v{p['version']}\ttries {p['attempts']}\t{p['error']}")
