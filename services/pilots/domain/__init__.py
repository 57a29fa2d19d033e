"""The pilots' domain: lifecycle, targeted barriers, milestones, progress and outcomes, free of I/O."""

from shared.checkpoints import CheckpointPublished
from shared.events import EventRegistry

from . import barriers, erasures, milestones, outcomes, pilots, progress

EVENTS = EventRegistry(
    CheckpointPublished,  # the store's signed tree heads, appended by its relay (shared/checkpointing.py)
    pilots.PilotProposed,
    pilots.PilotApproved,
    pilots.PilotStarted,
    pilots.PilotCompleted,
    pilots.PilotStopped,
    barriers.BarrierTargeted,
    barriers.BarrierWorkStarted,
    barriers.BarrierRemoved,
    barriers.BarrierNotRemoved,
    milestones.MilestoneAdded,
    milestones.MilestoneDone,
    milestones.MilestonesImported,
    progress.ProgressReported,
    progress.ProgressImported,
    outcomes.OutcomeRecorded,
    outcomes.OutcomeVerified,
    erasures.ErasureCompleted,
)
