"""`charter audit verify | replay | snapshot | export`: the auditor's command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.config import DOMAIN_SERVICES, TOPICS, Settings
from shared.envelope import past_moment
from shared.signing import Keyring

from ..ops import parked_cli
from ..projector import SCHEMA
from ..readmodels.snapshots import schema_for
from . import replay as replaying
from . import snapshots
from .log import keyring_line, stored_events, topic_events
from .progress import Progress
from .verify import verify

RUN_ENV = Path(".data") / "run.env"


def settings() -> Settings:
    """The running system's settings: what `make run` recorded in .data/run.env, overridden by the environment."""
    recorded = {}
    if RUN_ENV.exists():
        recorded = dict(line.split("=", 1) for line in RUN_ENV.read_text().splitlines() if "=" in line)
    return Settings.from_env(recorded | dict(os.environ))


def log(s: Settings, label: str) -> list[dict]:
    """Every stored event of every service, with a running count."""
    progress = Progress(label)
    events = [e for service in DOMAIN_SERVICES for e in stored_events(s, service, progress)]
    progress.done()
    return events


def cmd_verify(args, s: Settings) -> int:
    reports, keyring = [], Keyring.load(s.trusted_keys_file)
    for service in DOMAIN_SERVICES:
        stored = list(stored_events(s, service))
        published = topic_events(s.kafka_bootstrap_servers, TOPICS[service], len(stored),
                                 progress=Progress(f"reading {TOPICS[service]}"))
        reports.append(verify(service, stored, published, keyring).to_dict())
    print(json.dumps(reports, indent=2))
    return 0 if all(r["ok"] for r in reports) else 1


def cmd_replay(args, s: Settings) -> int:
    events = log(s, "reading the log")
    progress = Progress("replaying")
    schema = replaying.rebuild(s.database_url, events, progress=progress)
    progress.done()
    diff = replaying.differences(s.database_url, SCHEMA, schema)
    if not args.keep:
        replaying.drop(s.database_url, schema)
    print(json.dumps({"equal": not diff, "differences": diff}, indent=2))
    return 0 if not diff else 1


def cmd_snapshot(args, s: Settings) -> int:
    progress = Progress("replaying")
    snapshot = snapshots.build(s, args.as_of.astimezone(UTC), progress=progress)
    progress.done()
    print(json.dumps(snapshot.to_dict() | {"schema": schema_for(snapshot.as_of)}))
    return 0


def cmd_export(args, s: Settings) -> int:
    events = log(s, "exporting")
    target = open(args.out, "w", encoding="utf-8") if args.out != "-" else contextlib.nullcontext(sys.stdout)  # noqa: SIM115
    with target as out:
        out.write(keyring_line(s))
        for env in events:
            out.write(json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n")
    return 0


def parser(*more_areas: Callable[[Any], None]) -> argparse.ArgumentParser:
    """The `charter` command line; `more_areas` add areas owned elsewhere (the deployment's `topics`)."""
    p = argparse.ArgumentParser(prog="charter", description="Interactive Charter command line")
    areas = p.add_subparsers(dest="area", required=True)
    audit = areas.add_parser("audit", help="verify, replay or export the log")
    sub = audit.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="check every hash chain and that each topic holds exactly the stored events")
    r = sub.add_parser("replay", help="rebuild every read model from the log and compare it with the live one")
    r.add_argument("--keep", action="store_true", help="keep the rebuilt schema")
    n = sub.add_parser("snapshot", help="rebuild the read models as they were at a moment; reads use ?as_of=")
    n.add_argument("as_of", type=_timestamp, help="the RFC 3339 moment, e.g. 2026-03-01T00:00:00Z")
    e = sub.add_parser("export", help="the whole log as JSON Lines with its hashes")
    e.add_argument("--out", default="-", help="file to write (default: stdout)")
    parked_cli.add_commands(areas)
    for add in more_areas:
        add(areas)
    return p


def _timestamp(text: str) -> datetime:
    try:
        return past_moment(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    return run(parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed `audit` or `parked` command."""
    if args.area == "parked":
        return parked_cli.run(args, settings())
    handler = {"verify": cmd_verify, "replay": cmd_replay, "snapshot": cmd_snapshot,
               "export": cmd_export}[args.command]
    return handler(args, settings())


if __name__ == "__main__":
    sys.exit(main())
