"""One Action as the programme's reports read it: its status, who asked and for which
countries (what `mieux report`, the breakdowns and the public pages share)."""

from __future__ import annotations

from dataclasses import dataclass

from glossary import ActionStatus


@dataclass(frozen=True)
class CaseFile:
    """What the report needs of one Action: its status, who asked and for which countries."""

    status: ActionStatus
    requester_types: tuple[str, ...]  # one per requesting authority
    countries: tuple[str, ...]
    institutions: tuple[str, ...] = ()  # the requesting authorities, for the public pages

    @property
    def joint_or_regional(self) -> bool:
        return (
            len(self.countries) > 1
            or len(self.requester_types) > 1
            or "regional organisation" in self.requester_types
        )
