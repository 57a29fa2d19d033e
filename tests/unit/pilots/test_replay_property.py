"""Whatever commands users send, the events they produce rebuild the same pilot, also after JSON storage."""

import json
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from services.pilots.domain import EVENTS, barriers, erasures, milestones, outcomes, progress
from services.pilots.domain import pilots as lifecycle
from services.pilots.domain.state import Metric
from shared.errors import Refused

from .builders import (
    HIDDEN,
    IT_POLICY,
    LEAD,
    OUTSIDER,
    PHOTOS,
    PILOT,
    PROPOSER,
    SPONSORS,
    STEWARD,
    TODAY,
    knowledge,
    propose,
    replay_pilot,
    signed,
)
from .test_csv import METRICS, MILESTONES

actors = st.sampled_from([LEAD, LEAD, LEAD, PROPOSER, STEWARD, OUTSIDER])
roles = st.sampled_from([frozenset(), frozenset({"steward"})])
days = st.integers(-40, 300).map(lambda n: date(2025, 4, 1) + timedelta(days=n))
values = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False))
metrics = st.lists(st.builds(Metric, st.sampled_from(["staff", "photos"]), values, st.just("people")), max_size=2)
csv_texts = st.sampled_from([MILESTONES, METRICS, "milestone_id,title,due_date,done_date\nm-9,,2025-01-01,\n"])


class PilotHistory(RuleBasedStateMachine):
    """A pilot's stream as users' commands, accepted or refused, build it up."""

    def __init__(self) -> None:
        super().__init__()
        self.events = lifecycle.decide_propose_pilot(None, propose(), signed(), True, subjects=SPONSORS)
        self.pilot = replay_pilot(*self.events)
        self.today = TODAY

    @initialize(head_start=st.integers(0, 2))
    def begin(self, head_start):
        """Most work needs an active pilot, so many histories begin approved or started."""
        steps = [
            (lifecycle.decide_approve_pilot, lifecycle.ApprovePilot(PILOT, STEWARD, frozenset({"steward"}))),
            (lifecycle.decide_start_pilot, lifecycle.StartPilot(PILOT, LEAD)),
        ]
        for decision, command in steps[:head_start]:
            self.today += timedelta(days=31)
            self.decide(decision, command)

    def decide(self, decision, command, *views) -> None:
        """Run one decision on the pilot so far; a refusal leaves the stream as it was."""
        try:
            produced = decision(self.pilot, command, *views, self.today)
        except Refused:
            return
        for event in produced:
            self.events.append(event)
            self.pilot = lifecycle.evolve(self.pilot, event)

    @rule(wait=st.integers(1, 45))
    def time_passes(self, wait):
        self.today += timedelta(days=wait)

    @rule(actor=actors, actor_roles=roles)
    def approve(self, actor, actor_roles):
        self.decide(lifecycle.decide_approve_pilot, lifecycle.ApprovePilot(PILOT, actor, actor_roles))

    @rule(actor=actors)
    def start(self, actor):
        self.decide(lifecycle.decide_start_pilot, lifecycle.StartPilot(PILOT, actor))

    @rule(actor=actors)
    def complete(self, actor):
        self.decide(lifecycle.decide_complete_pilot, lifecycle.CompletePilot(PILOT, actor))

    # Mostly blank reasons: a stopped pilot ends the interesting part of a history.
    @rule(reason=st.sampled_from(["", " ", "", "Funding ended"]), actor=actors, actor_roles=roles)
    def stop(self, reason, actor, actor_roles):
        self.decide(lifecycle.decide_stop_pilot, lifecycle.StopPilot(PILOT, reason, actor, actor_roles))

    @rule(barrier_id=st.sampled_from([PHOTOS, IT_POLICY, HIDDEN, "b-unknown"]), actor=actors)
    def target(self, barrier_id, actor):
        command = barriers.TargetBarrier(PILOT, barrier_id, "", actor)
        self.decide(barriers.decide_target_barrier, command, knowledge())

    @precondition(lambda self: self.pilot.barriers)
    @rule(
        pick=st.integers(0, 3),
        status=st.sampled_from(["in_progress", "removed", "not_removed", "encountered"]),
        solution_id=st.sampled_from([None, "s-consent", "s-new"]),
        actor=actors,
    )
    def change_barrier(self, pick, status, solution_id, actor):
        barrier_id = self.pilot.barriers[pick % len(self.pilot.barriers)].barrier_id
        command = barriers.ChangeBarrierStatus(PILOT, barrier_id, status, "note", actor, solution_id)
        self.decide(barriers.decide_change_barrier_status, command, knowledge())

    @precondition(lambda self: self.pilot.barriers)
    @rule(pick=st.integers(0, 3), removed=st.booleans())
    def move_barrier_on(self, pick, removed):
        """A lead takes a barrier one legal step on: random changes alone rarely get far."""
        work = self.pilot.barriers[pick % len(self.pilot.barriers)]
        status = {"encountered": "in_progress"}.get(work.status, "removed" if removed else "not_removed")
        command = barriers.ChangeBarrierStatus(PILOT, work.barrier_id, status, "", LEAD, "s-consent", "Consent")
        self.decide(barriers.decide_change_barrier_status, command, knowledge())

    @rule(milestone_id=st.sampled_from(["m-1", "m-2", "m-3"]), due=days, actor=actors)
    def add_milestone(self, milestone_id, due, actor):
        command = milestones.AddMilestone(PILOT, milestone_id, "Title", due, actor)
        self.decide(lambda pilot, cmd, today: milestones.decide_add_milestone(pilot, cmd), command)

    @rule(milestone_id=st.sampled_from(["m-1", "m-2", "m-3", "i-1-5"]), done=days)
    def mark_done(self, milestone_id, done):
        command = milestones.MarkMilestoneDone(PILOT, milestone_id, done, LEAD)
        self.decide(milestones.decide_mark_milestone_done, command)

    @rule(report_id=st.sampled_from(["r-1", "r-2"]), reported=metrics, actor=actors)
    def report(self, report_id, reported, actor):
        command = progress.ReportProgress(PILOT, report_id, "text", tuple(reported), actor)
        self.decide(progress.decide_report_progress, command)

    @rule(text=csv_texts)
    def import_milestones(self, text):
        self.decide(milestones.decide_import_milestones, milestones.ImportMilestones(PILOT, "i-1", text, LEAD))

    @rule(text=csv_texts, import_id=st.sampled_from(["i-2", "i-3"]))
    def import_progress(self, text, import_id):
        self.decide(progress.decide_import_progress, progress.ImportProgress(PILOT, import_id, text, LEAD))

    @rule(completion=st.sampled_from(["limited", "complete", "great"]), actor=actors)
    def record_outcome(self, completion, actor):
        command = outcomes.RecordOutcome(PILOT, "worked", "did not", "lessons", completion, actor)
        self.decide(outcomes.decide_record_outcome, command)

    @rule(actor=actors, actor_roles=roles)
    def verify_outcome(self, actor, actor_roles):
        self.decide(outcomes.decide_verify_outcome, outcomes.VerifyOutcome(PILOT, actor, actor_roles))

    @rule(actor_roles=roles)
    def erase_sponsor(self, actor_roles):
        def erase(pilot, command, today):
            return erasures.decide_erase_sponsor(pilot, command, datetime.combine(today, time(), UTC))

        self.decide(erase, erasures.EraseSponsor(PILOT, "erasure-1", "uk-gdpr-17-1-b", STEWARD, actor_roles))

    @invariant()
    def replaying_the_events_gives_the_same_state(self):
        assert replay_pilot(*self.events) == self.pilot

    @invariant()
    def replaying_the_stored_events_gives_the_same_state(self):
        stored = [(e.type_name(), json.dumps(e.to_data(), allow_nan=False)) for e in self.events]
        assert replay_pilot(*(EVENTS.from_data(name, json.loads(data)) for name, data in stored)) == self.pilot


PilotHistory.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestReplayingTheEventsTheCommandsProducedGivesTheSameState = PilotHistory.TestCase


def test_a_history_with_every_kind_of_event_rebuilds_the_same_pilot_from_stored_json():
    story = PilotHistory()
    story.begin(head_start=2)
    story.target(PHOTOS, LEAD)
    story.target(IT_POLICY, LEAD)
    for pick, removed in ((0, True), (1, False), (0, True), (1, False)):
        story.move_barrier_on(pick, removed)
    story.add_milestone("m-3", date(2025, 8, 1), LEAD)
    story.time_passes(45)
    story.import_milestones(MILESTONES)
    story.mark_done("m-3", date(2025, 6, 10))
    story.report("r-1", [Metric("staff", 140, "people")], LEAD)
    story.import_progress(METRICS, "i-2")
    story.complete(LEAD)
    story.record_outcome("substantial", LEAD)

    story.verify_outcome(OUTSIDER, frozenset({"steward"}))
    story.erase_sponsor(frozenset({"steward"}))

    # A pilot ends once: this one completes, so it is never stopped. Checkpoints are the relay's, never a command's.
    assert {e.type_name() for e in story.events} == {cls.type_name() for cls in EVENTS} - {
        "PilotStopped", "CheckpointPublished"}
    story.replaying_the_stored_events_gives_the_same_state()
