"""HTTP routes of the pledge service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import Blueprint, jsonify

from shared.config import Settings
from shared.eventstore import AppendResult, EventStore
from shared.http import command_meta, validated

from . import handlers, schemas
from .domain import charters, drafts


def accepted(result: AppendResult, **ids: str):
    """The reply to a command: the ids it created and where its events landed."""
    return jsonify(ids | asdict(result)), 201


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The pledge service's command routes, bound to its event store."""
    bp = Blueprint("pledge", __name__)

    @bp.post("/charters")
    @validated(schemas.CreateCharterBody())
    def create_charter(body):
        command = charters.CreateCharter(charter_id=str(uuid.uuid4()), actor=command_meta().actor, **body)
        return accepted(handlers.create_charter(store, command, command_meta()), charter_id=command.charter_id)

    @bp.post("/charters/<uuid:charter_id>/drafts")
    @validated(schemas.ProposeDraftBody())
    def propose_draft(body, charter_id):
        command = drafts.ProposeDraft(
            draft_id=str(uuid.uuid4()), charter_id=str(charter_id), actor=command_meta().actor,
            title=body["title"], text=body["text"], change_summary=body["change_summary"],
            parents=tuple(str(p) for p in body["parents"]),
        )
        return accepted(handlers.propose_draft(store, command, command_meta()), draft_id=command.draft_id)

    return bp
