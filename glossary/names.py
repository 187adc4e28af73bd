"""The glossary's names that need no pydantic: enums, references, error wording.

Kept apart so the CLI can parse its arguments and name a reference without building a model
(`mieux status` starts faster; benchmarks/cli_startup.py).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from glossary.languages import N_

if TYPE_CHECKING:
    from pydantic import ValidationError


class Region(StrEnum):
    SUB_SAHARAN_AFRICA = "Sub-Saharan Africa"
    ASIA = "Asia"
    EU_NEIGHBOURHOOD_EAST = "EU Neighbourhood East"
    EU_NEIGHBOURHOOD_SOUTH = "EU Neighbourhood South"
    LATIN_AMERICA_CARIBBEAN = "Latin America and the Caribbean"
    CENTRAL_ASIA = "Central Asia"
    MIDDLE_EAST = "Middle East"


class Theme(StrEnum):
    LEGAL_MIGRATION = "legal migration & mobility"
    IRREGULAR_MIGRATION_THB = "irregular migration & THB"
    PROTECTION_ASYLUM = "international protection & asylum"
    MIGRATION_DEVELOPMENT = "migration & development"
    BORDER_MANAGEMENT = "border management"
    SOM = "smuggling of migrants"
    LABOUR_MIGRATION = "labour migration"
    DIASPORA = "diaspora"
    MIGRATION_DATA = "migration data"
    INTEGRATION = "integration"
    RETURN_READMISSION = "return & readmission"
    CLIMATE_MIGRATION = "climate & migration"
    MIGRATION_POLICY = "migration policy"
    MIGRATION_LEGISLATION = "migration legislation"


class Stage(StrEnum):
    INTAKE = "intake"
    FICHE_DRAFTING = "fiche_drafting"
    CONSULTATION = "consultation"
    PSG_REVIEW = "psg_review"
    IMPLEMENTATION = "implementation"
    COMPLETION = "completion"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    REJECTED = "rejected"
    FORWARDED = "forwarded"
    WITHDRAWN = "withdrawn"


class PsgMember(StrEnum):
    DG_INTPA = "DG_INTPA"
    DG_HOME = "DG_HOME"
    EEAS = "EEAS"


# What people read where the contract says DG_HOME (notices, pages, documents).
# Msgids too: an answer page names the body in its reader's language.
BODY_NAMES = {
    "DG_INTPA": N_("DG International Partnerships (DG INTPA)"),
    "DG_HOME": N_("DG Migration and Home Affairs (DG HOME)"),
    "EEAS": N_("the European External Action Service (EEAS)"),
    "EUDEL": N_("the EU Delegation"),
    "EC services": N_("the European Commission services"),
}

VOTE_WORDS = {"approved": "approved", "rejected": "rejected", "revise": "asked for a revision"}


def body_name(body: str) -> str:
    """A PSG or consulted body by its full name; an unknown one as it is written."""
    return BODY_NAMES.get(body, body.replace("_", " "))


_REFERENCE = re.compile(r"^(?:action-)?(\d{4}-\d{2,3})$")


def reference_of(text: str) -> str:
    """`2026-03` from `2026-03` or `action-2026-03`; ValueError otherwise."""
    m = _REFERENCE.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not an Action reference like 2026-03 or action-2026-03")
    return m[1]


def workflow_id_of(reference: str) -> str:
    return f"action-{reference_of(reference)}"


def describe_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


def has_control(text: str) -> bool:
    """Control characters (C0, DEL, C1 such as NEL) and Unicode line or paragraph breaks."""
    return any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in text)


TERMINAL_STAGES = frozenset({Stage.CLOSED, Stage.REJECTED, Stage.FORWARDED, Stage.WITHDRAWN})


# The stages as staff say them; the wire names stay the contract (`--json`, DOMAIN §6).
STAGE_WORDS = {
    Stage.INTAKE: "Intake",
    Stage.FICHE_DRAFTING: "Action Fiche drafting",
    Stage.CONSULTATION: "Consultation (EUDEL and EC services)",
    Stage.PSG_REVIEW: "PSG review",
    Stage.IMPLEMENTATION: "Implementation",
    Stage.COMPLETION: "Completion",
    Stage.FOLLOW_UP: "Follow-up",
    Stage.CLOSED: "Closed",
    Stage.REJECTED: "Rejected",
    Stage.FORWARDED: "Forwarded",
    Stage.WITHDRAWN: "Withdrawn",
}


# What staff read for the contract's command names (case pages, documents).
COMMAND_WORDS = {
    "intake_decision": "intake decision",
    "submit_fiche": "Action Fiche submitted",
    "consultation_feedback": "consultation answer",
    "psg_vote": "PSG vote",
    "expert_response": "expert's answer",
    "nominate_expert": "expert nominated",
    "activity_completed": "completion report",
    "evaluation_done": "evaluation",
    "amend_plan": "plan amended",
    "deliverables_validated": "deliverables validated",
    "feedback_received": "partner feedback",
    "follow_up_received": "follow-up answer",
    "extend_deadline": "deadline extended",
    "hold": "put on hold",
    "resume": "resumed",
    "withdraw": "withdrawn",
    "activity_progress": "activity report",
    "notice": "notice",
    "clock": "clock",
    # The workers' own entries.
    "instruction": "instruction from the Action",
    "public_summary": "public summary",
    "continue_as_new": "continued in a new run",
}


def command_words(command: str) -> str:
    return COMMAND_WORDS.get(command, command.replace("_", " "))


def stage_words(stage: str) -> str:
    return STAGE_WORDS.get(Stage(stage), stage) if stage in Stage._value2member_map_ else stage


# A notice that may not have reached someone (glossary.notices.MailTrouble): what happened,
# and what staff can do about it. Plain strings: `mieux status` renders without pydantic.
MAIL_TROUBLE_WORDS: dict[str, tuple[str, str]] = {
    "unconfirmed": (
        "may not have arrived: cut off while the mail server took it",
        "check with them; `mieux mail resend {key} --confirm` sends it again",
    ),
    "gave_up": (
        "not delivered: their mail server kept deferring it",
        "reach them another way, or check their address",
    ),
    "refused": (
        "not delivered: the mail server refused it",
        "correct their address in the roster or the request, and tell them another way",
    ),
    "copy_refused": (
        "not delivered: their copy was refused (the addressee has the message)",
        "tell them another way, or check their address",
    ),
}


def mail_problem_words(trouble: str, key: str) -> tuple[str, str]:
    """(what happened, what to do) in staff's words."""
    what, todo = MAIL_TROUBLE_WORDS[str(trouble)]
    return what, todo.format(key=key)
