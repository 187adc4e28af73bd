"""What a simulated person does, and when: one step, carried by a `Later` workflow that
sleeps until `at` (on the time-skipping server, no wall time passes) and then runs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: datetime
    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    command: str = Field(description='an update of ActionLifecycle, or "start"')
    payload: dict[str, Any] = {}
    # A command that may come before the Action is ready for it (a report before the
    # activity has ended) is tried again each day; others once: a vote after the PSG has
    # decided, or an expert answering too late, is refused and that is the end of it.
    attempts: int = Field(default=1, ge=1, le=400)
    why: str = ""
