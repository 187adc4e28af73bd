"""`mieux process`: the SOP printed from the code. The stages, who acts, the commands, the
clocks with the values of the policy in force and the transitions all come from
`workflows.process`, the table the workflow itself checks commands against.
`docs/process.md` is this output with the default policy (`make process-doc` rewrites it).
"""

from __future__ import annotations

from argparse import Namespace
from datetime import timedelta
from typing import Any

from glossary.names import Stage, stage_words
from reads.errors import DONE
from reads.session import Session
from workflows.permissions import ANSWERED_BY_LINK, COMMAND_OF_LINK, MAY_SEND, ROLE_WORDS
from workflows.process import (
    ANY_OPEN_STAGE,
    ENDED,
    HOLD_CLOCK,
    PROCESS,
    STAGE_OF_COMMAND,
    WITHDRAWAL,
    ClockRule,
)


def _days(value: timedelta) -> str:
    if value % timedelta(days=1) == timedelta(0):
        return f"{value.days} d"
    return f"{value.total_seconds() / 3600:g} h"


def _setting(policy: Any, name: str) -> str:
    if not name:
        return ""
    value = getattr(policy, name)
    if isinstance(value, list):
        return ", ".join(_days(v) for v in value) or "none"
    return _days(value)


def _clock(policy: Any, clock: ClockRule) -> str:
    reminders = _setting(policy, clock.reminders)
    told = f"; reminders at {reminders} to {clock.reminded}" if reminders else ""
    return (
        f"{clock.name}: {_setting(policy, clock.deadline)} (`{clock.deadline}`){told};"
        f" at due: {clock.at_due}"
    )


def mermaid() -> list[str]:
    lines = ["stateDiagram-v2", f"    [*] --> {Stage.INTAKE}"]
    for rule in PROCESS:
        for move in rule.next:
            lines.append(f"    {rule.stage} --> {move.to}: {move.when}")
    lines.append('    state "any open stage" as open_stage')
    lines.append(f"    open_stage --> {WITHDRAWAL.to}: withdrawn, with a reason")
    lines.extend(f"    {stage} --> [*]" for stage in ENDED)
    return lines


def markdown(policy: Any) -> str:
    out = [
        "# The process of an Action",
        "",
        "Printed by `mieux process` from `workflows/process.py`, the table the workflow checks"
        " each command's stage against, with the clocks' values of the default policy"
        " (`mieux process` prints the policy in force). Do not edit by hand: `make process-doc`"
        " rewrites this page, and a test fails when it and the code disagree.",
        "",
        "```mermaid",
        *mermaid(),
        "```",
        "",
        "| Stage | What happens | Who acts | Commands | Clocks | Next |",
        "|---|---|---|---|---|---|",
    ]
    for rule in PROCESS:
        out.append(
            "| "
            + " | ".join(
                [
                    f"{stage_words(rule.stage)} (`{rule.stage}`)",
                    rule.what,
                    ", ".join(rule.who_acts),
                    ", ".join(f"`{c}`" for c in rule.commands),
                    "<br>".join(_clock(policy, c) for c in rule.clocks),
                    "<br>".join(f"{stage_words(m.to)}: {m.when}" for m in rule.next),
                ]
            )
            + " |"
        )
    out += [
        "",
        f"At any open stage: {', '.join(f'`{c}`' for c in ANY_OPEN_STAGE)}. A hold pauses"
        " every clock but the calendar's (reminders before an activity), keeps the time left"
        f" and resumes where it was; {_clock(policy, HOLD_CLOCK)}."
        f" {stage_words(WITHDRAWAL.to)}: {WITHDRAWAL.when}.",
        "",
        f"Ended stages: {', '.join(f'{stage_words(s)} (`{s}`)' for s in ENDED)}."
        " When an Action ends, its record goes to the register of Actions.",
        "",
        *permissions(),
    ]
    return "\n".join(out)


def permissions() -> list[str]:
    """Who may send which command: `workflows/permissions.py`, the table the workflow reads."""
    out = [
        "## Who may send which command",
        "",
        "Read from `workflows/permissions.py`, the only table the workflow checks a proven"
        " sender against (docs/security.md). A project officer acts on their own Actions; a"
        " PSG member desk votes for its own body. In the local single-user mode of `mieux dev`"
        " (no `auth.issuer`) the one local user holds every role.",
        "",
        "| Command | Stage | Who may send it |",
        "|---|---|---|",
    ]
    for command, roles in MAY_SEND.items():
        stage = STAGE_OF_COMMAND.get(command)
        where = f"{stage_words(stage)}" if stage else "any open stage"
        who = ", ".join(ROLE_WORDS[r] for r in roles)
        out.append(f"| `{command}` | {where} | {who} |")
    out += [
        "",
        "People outside the team hold no role: they answer through the signed link of the"
        " message that asked them, which answers one step for one person and nothing after it.",
        "",
        "| Link | Who answers | Bound to |",
        "|---|---|---|",
    ]
    for link in ANSWERED_BY_LINK:
        out.append(f"| `{COMMAND_OF_LINK[link.step]}` | {link.who} | {link.bound_to} |")
    out.append("")
    return out


async def process_show(session: Session, args: Namespace) -> int:
    if args.mermaid:
        print("\n".join(mermaid()))
    else:
        print(markdown(session.settings.policy), end="")
    return DONE


if __name__ == "__main__":
    # `make process-doc`: the page with the default policy, whatever this shell's settings.
    from glossary.policy import Policy

    print(markdown(Policy()), end="")
