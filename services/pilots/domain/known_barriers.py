"""The pilots service's own view of the knowledge base: barriers it may target and their solutions.

Fed from knowledge events read off the log into the local dataclasses below; the pilots service
never imports the knowledge service nor reads its tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .errors import UnknownBarrier


@dataclass(frozen=True)
class BarrierSeen:
    """A barrier was created or retitled in the knowledge base."""

    barrier_id: str
    title: str


@dataclass(frozen=True)
class BarrierHiddenSeen:
    barrier_id: str
    hidden: bool


@dataclass(frozen=True)
class SolutionSeen:
    """A solution was added to a barrier, or retitled."""

    solution_id: str
    barrier_id: str
    title: str


@dataclass(frozen=True)
class KnownBarrier:
    barrier_id: str
    title: str
    hidden: bool = False


@dataclass(frozen=True)
class KnownSolution:
    solution_id: str
    barrier_id: str
    title: str


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class KnownBarriers:
    """Barriers and solutions seen in knowledge events, by id."""

    barriers: Mapping[str, KnownBarrier] = field(default_factory=_empty)
    solutions: Mapping[str, KnownSolution] = field(default_factory=_empty)

    def barrier(self, barrier_id: str) -> KnownBarrier | None:
        """The barrier with this id, or None if no knowledge event named it."""
        return self.barriers.get(barrier_id)

    def solution(self, solution_id: str) -> KnownSolution | None:
        """The solution with this id, or None if it has not been seen (yet)."""
        return self.solutions.get(solution_id)


KnowledgeSeen = BarrierSeen | BarrierHiddenSeen | SolutionSeen


def observe(view: KnownBarriers, seen: KnowledgeSeen) -> KnownBarriers:
    """Apply one knowledge fact to the view; applying the same fact twice changes nothing."""
    match seen:
        case BarrierSeen():
            old = view.barrier(seen.barrier_id)
            new = replace(old, title=seen.title) if old else KnownBarrier(seen.barrier_id, seen.title)
            return replace(view, barriers=MappingProxyType({**view.barriers, seen.barrier_id: new}))
        case BarrierHiddenSeen():
            old = view.barrier(seen.barrier_id)
            if old is None:
                return view
            new = replace(old, hidden=seen.hidden)
            return replace(view, barriers=MappingProxyType({**view.barriers, seen.barrier_id: new}))
        case SolutionSeen():
            solution = KnownSolution(seen.solution_id, seen.barrier_id, seen.title)
            return replace(view, solutions=MappingProxyType({**view.solutions, seen.solution_id: solution}))
    return view


def from_facts(*facts: KnowledgeSeen) -> KnownBarriers:
    """A view built from knowledge facts in log order."""
    view = KnownBarriers()
    for seen in facts:
        view = observe(view, seen)
    return view


def require_targetable(view: KnownBarriers, barrier_id: str) -> KnownBarrier:
    """The barrier, or UnknownBarrier when it was never seen or has been hidden by moderators."""
    barrier = view.barrier(barrier_id)
    if barrier is None:
        raise UnknownBarrier(f"no barrier with id {barrier_id} in the knowledge base", field="barrier_id")
    if barrier.hidden:
        raise UnknownBarrier(f"barrier {barrier_id} is hidden in the knowledge base", field="barrier_id")
    return barrier
