"""Who may send which command (beside `workflows.process`, which says at which stage).

This table is the only source the checks read: the workflow refuses a command whose proven
sender lacks the role (`Casework._authorize`), `mieux process` prints it, and
`docs/process.md` is that print. People outside the team never hold a role: they answer
through the signed link of the notice that asked them (`ANSWERED_BY_LINK`), which names the
one step, round and person it is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from glossary.answers import COMMAND_OF_STEP, AnswerStep
from glossary.people import StaffDirectory


class Role(StrEnum):
    PROJECT_OFFICER = "project_officer"  # of their own Actions only
    PROGRAMME_MANAGER = "programme_manager"
    PROGRAMME_DIRECTOR = "programme_director"
    PSG_MEMBER = "psg_member"  # a desk of one body (psg_member:EEAS): votes for that body only
    EC_SERVICES = "ec_services"
    ADMINISTRATOR = "administrator"


ROLE_WORDS = {
    Role.PROJECT_OFFICER: "the Action's project officer",
    Role.PROGRAMME_MANAGER: "the programme manager",
    Role.PROGRAMME_DIRECTOR: "the programme director",
    Role.PSG_MEMBER: "a PSG member desk (for its own body)",
    Role.EC_SERVICES: "the EC services",
    Role.ADMINISTRATOR: "an administrator",
}

_PO, _PM, _PD = Role.PROJECT_OFFICER, Role.PROGRAMME_MANAGER, Role.PROGRAMME_DIRECTOR

# The officer records what reaches the team by mail (an EUDEL's comments, an expert's answer,
# the partner's validation); the people themselves answer by link.
MAY_SEND: dict[str, tuple[Role, ...]] = {
    "intake_decision": (_PO, _PM),
    "submit_fiche": (_PO, _PM),
    "consultation_feedback": (Role.EC_SERVICES, _PO, _PM),
    "psg_vote": (Role.PSG_MEMBER,),
    "expert_response": (_PO, _PM),
    "nominate_expert": (_PO, _PM),
    "activity_completed": (_PO, _PM),
    "evaluation_done": (_PO, _PM),
    "amend_plan": (_PO, _PM),
    "deliverables_validated": (_PO, _PM),
    "feedback_received": (_PO, _PM),
    "follow_up_received": (_PO, _PM),
    "extend_deadline": (_PO, _PM),
    "hold": (_PO, _PM, _PD, Role.ADMINISTRATOR),
    "resume": (_PO, _PM, _PD, Role.ADMINISTRATOR),
    "withdraw": (_PM, _PD),
}


@dataclass(frozen=True)
class LinkAnswer:
    step: AnswerStep
    who: str
    bound_to: str  # what a link answers, and nothing after it


ANSWERED_BY_LINK: tuple[LinkAnswer, ...] = (
    LinkAnswer(AnswerStep.INVITATION, "the expert or their focal point", "that invitation"),
    LinkAnswer(
        AnswerStep.CONSULTATION,
        "the EU Delegation, the EC services",
        "the consultation on that Fiche version",
    ),
    LinkAnswer(AnswerStep.PSG_VOTE, "a PSG member desk", "that PSG round, for its own body"),
    LinkAnswer(AnswerStep.FEEDBACK, "the partner", "the feedback questionnaire"),
    LinkAnswer(AnswerStep.FOLLOW_UP, "the partner", "the follow-up questionnaire"),
    LinkAnswer(AnswerStep.VALIDATION, "the partner", "the validation of the deliverables"),
)

COMMAND_OF_LINK = {answer.step: COMMAND_OF_STEP[answer.step] for answer in ANSWERED_BY_LINK}


@dataclass(frozen=True)
class Person:
    """A staff member as the directory (or the token's group claim) knows them."""

    id: str
    name: str
    roles: frozenset[str]  # Role values; a PSG desk as "psg_member:BODY"

    def bodies(self) -> list[str]:
        prefix = f"{Role.PSG_MEMBER}:"
        return [r[len(prefix) :] for r in self.roles if r.startswith(prefix)]

    def holds(self, role: Role) -> bool:
        return role in self.roles or (
            role == Role.PSG_MEMBER and any(r.startswith(f"{role}:") for r in self.roles)
        )


def person_in(directory: StaffDirectory, email: str) -> Person | None:
    """Everyone the directory lists under this address, with every role it gives them."""
    wanted = email.strip().lower()
    if not wanted:
        return None
    found: tuple[str, str] | None = None
    roles: set[str] = set()

    def see(member: object, role: str) -> None:
        nonlocal found
        if getattr(member, "email", "").lower() == wanted:
            found = found or (member.id, member.name)  # type: ignore[attr-defined]
            roles.add(role)

    see(directory.programme_manager, Role.PROGRAMME_MANAGER)
    see(directory.programme_director, Role.PROGRAMME_DIRECTOR)
    for officer in directory.project_officers:
        see(officer, Role.PROJECT_OFFICER)
    for member in directory.ec_services:
        see(member, Role.EC_SERVICES)
    for body, members in directory.psg.items():
        for member in members:
            see(member, f"{Role.PSG_MEMBER}:{body}")
    for member in directory.administrators:
        see(member, Role.ADMINISTRATOR)
    if found is None:
        return None
    return Person(id=found[0], name=found[1], roles=frozenset(roles))


def refusal(command: str, person: Person, *, officer_of_action: bool, body: str = "") -> str:
    """Why `person` may not send `command` to this Action, or "" when they may."""
    allowed = MAY_SEND.get(command, ())
    held = [role for role in allowed if person.holds(role)]
    if not held:
        who = ", ".join(ROLE_WORDS[role] for role in allowed) or "nobody"
        return f"{person.name} may not send {command}: it is for {who}"
    if held == [Role.PROJECT_OFFICER] and not officer_of_action:
        return f"{person.name} is not the project officer of this Action"
    if command == "psg_vote" and body not in person.bodies():
        mine = ", ".join(person.bodies())
        return f"{person.name} votes for {mine}, not for {body}"
    return ""
