"""What every knowledge route shares: who acts, and the reply to a command."""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify

from shared.eventstore import AppendResult
from shared.http import command_meta


def accepted(result: AppendResult, **ids) -> tuple:
    """The reply to a command: the ids it created and where its events landed."""
    return jsonify(ids | asdict(result)), 201


def actor() -> str:
    """The person acting, as the gateway forwards them."""
    return command_meta().actor
