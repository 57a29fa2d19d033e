"""The published language's words: the values events carry and every service and consumer reads the same way."""

from __future__ import annotations

from enum import StrEnum

# What a barrier is about (knowledge's BarrierProposed/BarrierEdited `category`).
CATEGORIES = (
    "culture_and_leadership",
    "it_policy_and_tools",
    "consent_and_moderation_policy",
    "legal_and_data_protection",
    "skills",
    "procurement",
    "other",
)

# What kind of organisation signs the pledge (pledge's signature events' `organisation_type`).
ORGANISATION_TYPES = ("council", "department", "agency", "other")

# The Open Government Partnership's completion scale, lowest first (pilots' OutcomeRecorded `completion`).
COMPLETION_SCALE = ("not_started", "limited", "substantial", "complete")


class PilotStatus(StrEnum):
    """Where a pilot is in its lifecycle."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


class BarrierStatus(StrEnum):
    """Where a targeted barrier stands in one pilot."""

    ENCOUNTERED = "encountered"
    IN_PROGRESS = "in_progress"
    REMOVED = "removed"
    NOT_REMOVED = "not_removed"


# The statuses a pilot's work on a barrier may move to from each status.
NEXT_STATUSES: dict[str, tuple[BarrierStatus, ...]] = {  # a barrier's state holds its status as text
    BarrierStatus.ENCOUNTERED: (BarrierStatus.IN_PROGRESS,),
    BarrierStatus.IN_PROGRESS: (BarrierStatus.REMOVED, BarrierStatus.NOT_REMOVED),
}

# Roles an admin grants; the events name who acted, the gateway's tokens carry these names.
STEWARD = "steward"
MODERATOR = "moderator"
# Granted by an admin to people who run pilots; within a pilot, only its own leads act on it.
PILOT_LEAD = "pilot_lead"
AUDITOR = "auditor"
ADMIN = "admin"
ROLES = (STEWARD, MODERATOR, PILOT_LEAD, AUDITOR, ADMIN)

# Every pilot's event type the pilots service publishes on its topic (a unit test holds this to its registry);
# its store's signed checkpoints (CheckpointPublished) travel there too, and are no pilot's.
PILOT_EVENTS = (
    "PilotProposed",
    "PilotApproved",
    "PilotStarted",
    "PilotCompleted",
    "PilotStopped",
    "BarrierTargeted",
    "BarrierWorkStarted",
    "BarrierRemoved",
    "BarrierNotRemoved",
    "MilestoneAdded",
    "MilestoneDone",
    "MilestonesImported",
    "ProgressReported",
    "ProgressImported",
    "OutcomeRecorded",
    "OutcomeVerified",
    "ErasureCompleted",
)

# A draft's score is a Bayesian average of its star ratings with PRIOR_WEIGHT imaginary ratings of PRIOR_MEAN
# (the gateway's draft_ratings read model computes it). Why not a Wilson lower bound: Wilson bounds a proportion
# of yes/no votes, and squeezing 1-5 stars into "positive or not" throws the scale away. With the prior, a draft
# with few ratings sits near the middle and moves towards its own mean as ratings arrive: a single 5 scores
# (5*3 + 5) / 6 = 3.33, a hundred 4s score (5*3 + 400) / 105 = 3.95. The prior is fixed rather than the
# charter's running mean so that a draft's score depends on its own ratings only: the leaderboard does not
# reshuffle when other drafts are rated, and a projection updates one row per rating event.
PRIOR_MEAN = 3.0
PRIOR_WEIGHT = 5

# The UK GDPR grounds on which a steward erases a person's personal data (pledge's ErasureCompleted `rule`),
# each Article 17(1)'s: a(no longer necessary), b(consent withdrawn), c(objection), d(unlawful), e(legal obligation).
ERASURE_RULES = ("uk-gdpr-17-1-a", "uk-gdpr-17-1-b", "uk-gdpr-17-1-c", "uk-gdpr-17-1-d", "uk-gdpr-17-1-e")
