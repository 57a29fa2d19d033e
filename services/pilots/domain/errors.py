"""The pilots domain's own refusals; the kinds they are (Conflict, Invalid...) are shared.errors'."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import Conflict, Forbidden, Invalid, NotFound


class IllegalTransition(Conflict):
    """The pilot, or a barrier in it, is not in a status from which this step is allowed."""


class UnsignedOrganisation(Forbidden):
    """Only an organisation holding a live, verified signature of the charter may propose a pilot."""


class NotAMember(Forbidden):
    """A pilot lead acts only for an organisation they belong to (a confirmed membership, from the pledge)."""


class UnknownBarrier(NotFound):
    """The barrier is not in the pilots service's view of the knowledge base, or is hidden there."""


class MilestoneBeforeStart(Invalid):
    """A milestone cannot fall due before its pilot starts."""


class NotIndependent(Forbidden):
    """A steward who is part of a pilot does not approve it, nor verify its outcome; its approver does not verify."""


class UnitChanged(Invalid):
    """A metric keeps the unit of its first reading, so its readings can be plotted and compared."""


class OutsidePilotDates(Invalid):
    """A report or reading is dated before its pilot started, after it ended, or in the future."""


@dataclass(frozen=True)
class CsvError:
    """One problem in an uploaded CSV file: the line it is on, the column, and what is wrong."""

    line: int
    field: str | None
    message: str


class CsvRejected(Invalid):
    """An uploaded CSV file broke the rules on one or more lines, so none of it was taken."""

    def __init__(self, errors: tuple[CsvError, ...]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the CSV file; nothing was imported", field="csv")
        self.errors = errors
