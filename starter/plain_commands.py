"""The commands staff send most (hold, resume, withdraw, a PSG vote), built without pydantic
when what they carry is plainly valid: one line, within its limits, no blank reason.

This is a fast path, not a second set of rules. Anything not plainly valid goes to the
glossary model, which refuses it in its own words or builds the payload; the workflow's
update validator checks every command again. `tests/starter/test_plain_commands.py` holds
these limits to the models' and checks that a plain payload is what the model would send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from glossary.names import has_control


@dataclass(frozen=True)
class Text:
    shortest: int = 0
    longest: int | None = None
    said: bool = False  # a reason: at least 2 characters besides spaces
    default: str | None = None  # None: the command needs it

    def plain(self, value: Any) -> bool:
        if not isinstance(value, str) or has_control(value) or len(value) < self.shortest:
            return False
        if self.longest is not None and len(value) > self.longest:
            return False
        return not self.said or len(value.strip()) >= 2


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def plain(self, value: Any) -> bool:
        return value in self.values


BY = Text(1, 80)

# The fields of each model in the model's order (the payload's order), with its limits.
PLAIN: dict[str, dict[str, Text | Choice]] = {
    "Hold": {"by": BY, "reason": Text(2, 2000, said=True)},
    "Resume": {"by": BY, "comment": Text(0, 2000, default="")},
    "Withdraw": {"by": BY, "reason": Text(2, 2000, said=True)},
    "PsgVote": {
        "by": BY,
        "member": Text(0, 40),
        "decision": Choice(("approved", "rejected", "revise")),
        "comment": Text(0, 5000, default=""),
    },
}


def plain_payload(model: str, given: dict[str, Any]) -> dict[str, Any] | None:
    """The command's payload as its model would dump it, or None: ask the model."""
    spec = PLAIN.get(model)
    if spec is None or set(given) - set(spec):
        return None
    payload: dict[str, Any] = {}
    for name, rule in spec.items():
        value = given.get(name, rule.default if isinstance(rule, Text) else None)
        if value is None or not rule.plain(value):
            return None
        payload[name] = value
    if model == "PsgVote" and payload["decision"] != "approved" and not payload["comment"].strip():
        return None  # the model says why a rejection or a revision needs a comment
    return payload
