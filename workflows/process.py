"""The Action's process as data (DOMAIN.md §3-§4): its stages, who acts in each, which
commands each accepts, its clocks and where it can go next.

The workflow reads it (a command's stage check is `STAGE_OF_COMMAND`), `mieux process` prints
it and `docs/process.md` is that print; the tests check the transitions against the stages
the recorded histories went through. Change the process here, and the SOP follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from glossary.names import Stage


@dataclass(frozen=True)
class ClockRule:
    name: str  # what it times
    deadline: str  # the policy setting that sets it
    reminders: str  # the policy setting of its reminders ("" when none)
    reminded: str  # who gets the reminders
    at_due: str  # what happens when it runs out


@dataclass(frozen=True)
class Transition:
    to: Stage
    when: str


@dataclass(frozen=True)
class StageRule:
    stage: Stage
    what: str
    who_acts: tuple[str, ...]
    commands: tuple[str, ...]
    clocks: tuple[ClockRule, ...]
    next: tuple[Transition, ...]


MANAGER_WEEKLY = "escalation to the programme manager, then every `escalation_repeat`"

PROCESS: tuple[StageRule, ...] = (
    StageRule(
        Stage.INTAKE,
        "the request is registered and assessed",
        ("project officer",),
        ("intake_decision",),
        (
            ClockRule(
                "intake",
                "intake_deadline",
                "intake_reminders",
                "project officer",
                MANAGER_WEEKLY,
            ),
        ),
        (
            Transition(Stage.FICHE_DRAFTING, "accepted"),
            Transition(Stage.REJECTED, "rejected, with a reason"),
            Transition(Stage.FORWARDED, "forwarded to another EU facility"),
        ),
    ),
    StageRule(
        Stage.FICHE_DRAFTING,
        "the Action Fiche is drafted with the requester",
        ("project officer", "partner focal point"),
        ("submit_fiche",),
        (
            ClockRule(
                "fiche",
                "fiche_deadline",
                "fiche_reminders",
                "project officer",
                MANAGER_WEEKLY,
            ),
            ClockRule(
                "revision",
                "revision_deadline",
                "revision_reminders",
                "project officer",
                MANAGER_WEEKLY,
            ),
        ),
        (Transition(Stage.CONSULTATION, "the Fiche is submitted"),),
    ),
    StageRule(
        Stage.CONSULTATION,
        "the EU Delegation and EC services comment on the Fiche",
        ("EU Delegation", "EC services"),
        ("consultation_feedback",),
        (
            ClockRule(
                "consultation",
                "consultation_window",
                "consultation_reminders",
                "EU Delegation, EC services",
                "silence counts as no objection: on to the PSG",
            ),
        ),
        (
            Transition(
                Stage.PSG_REVIEW,
                "every body consulted said no objection, or the window ended (silence is no"
                " objection)",
            ),
            Transition(Stage.FICHE_DRAFTING, "an objection from either: back to drafting"),
        ),
    ),
    StageRule(
        Stage.PSG_REVIEW,
        "the Project Steering Group votes on the Fiche",
        ("DG_INTPA", "DG_HOME", "EEAS"),
        ("psg_vote",),
        (
            ClockRule(
                "psg",
                "psg_deadline",
                "psg_reminders",
                "members who have not voted",
                "escalation to the programme director, then every `escalation_repeat`",
            ),
        ),
        (
            Transition(Stage.IMPLEMENTATION, "approved (by `psg_decision_rule`)"),
            Transition(Stage.REJECTED, "rejected"),
            Transition(Stage.FICHE_DRAFTING, "revision asked: back to drafting"),
        ),
    ),
    StageRule(
        Stage.IMPLEMENTATION,
        "each activity runs as its own workflow: experts, dates, report, evaluation",
        ("project officer", "experts", "focal points", "partner focal point"),
        (
            "expert_response",
            "nominate_expert",
            "activity_completed",
            "evaluation_done",
            "amend_plan",
        ),
        (
            ClockRule(
                "next step (two-step Action, after its fact-finding mission)",
                "next_step_deadline",
                "next_step_reminders",
                "project officer",
                MANAGER_WEEKLY,
            ),
            ClockRule(
                "expert confirmation",
                "expert_confirmation_deadline",
                "expert_confirmation_reminders",
                "expert, focal point",
                "the next candidate is invited; officer and manager when none is left",
            ),
            ClockRule(
                "before the start",
                "activity_reminders_before",
                "",
                "experts, partner focal point",
                "the activity takes place",
            ),
            ClockRule(
                "completion report",
                "completion_report_deadline",
                "completion_report_reminders",
                "project officer",
                MANAGER_WEEKLY,
            ),
            ClockRule(
                "evaluation",
                "evaluation_deadline",
                "evaluation_reminders",
                "project officer",
                "escalation to the programme manager",
            ),
        ),
        (Transition(Stage.COMPLETION, "every activity is evaluated or cancelled"),),
    ),
    StageRule(
        Stage.COMPLETION,
        "the partner validates the deliverables and answers the feedback questionnaire",
        ("partner focal point", "project officer"),
        ("deliverables_validated", "feedback_received"),
        (
            ClockRule(
                "validation",
                "validation_deadline",
                "validation_reminders",
                "partner focal point",
                MANAGER_WEEKLY,
            ),
            ClockRule(
                "feedback",
                "feedback_deadline",
                "feedback_reminders",
                "partner focal point",
                "the officer is told; the Action goes on without it",
            ),
        ),
        (Transition(Stage.FOLLOW_UP, "deliverables validated, feedback in or overdue"),),
    ),
    StageRule(
        Stage.FOLLOW_UP,
        "months later: the follow-up questionnaire and the adoption check",
        ("partner focal point",),
        ("follow_up_received",),
        (
            ClockRule(
                "follow-up",
                "adoption_check_after",
                "follow_up_after",
                "partner focal point",
                "the adoption check closes the Action",
            ),
        ),
        (Transition(Stage.CLOSED, "adoption reported, or the adoption check"),),
    ),
)

# At any stage that has not ended (DOMAIN §3): a hold pauses every clock but the calendar's.
ANY_OPEN_STAGE = ("hold", "resume", "withdraw", "extend_deadline")
HOLD_CLOCK = ClockRule(
    "on hold",
    "hold_reminder_every",
    "",
    "",
    '"still on hold?" to the programme manager, again every period; a hold has no limit',
)
WITHDRAWAL = Transition(Stage.WITHDRAWN, "withdrawn, with a reason (at any open stage)")
ENDED = (Stage.CLOSED, Stage.REJECTED, Stage.FORWARDED, Stage.WITHDRAWN)

STAGE_OF_COMMAND: dict[str, Stage] = {
    command: rule.stage for rule in PROCESS for command in rule.commands
}


def transitions() -> set[tuple[Stage, Stage]]:
    """Every (from, to) the process allows, withdrawal from each open stage included."""
    allowed = {(rule.stage, t.to) for rule in PROCESS for t in rule.next}
    return allowed | {(rule.stage, Stage.WITHDRAWN) for rule in PROCESS}
