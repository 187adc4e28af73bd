"""Settings: one place for every knob (DOMAIN.md §4 and §6).

Names load on first use (PEP 562): `config.connection` is read without pydantic, and a
command that only talks to Temporal need not build every settings model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "MieuxSettings": "config.settings",
    "SettingsError": "config.sources",
    "SmtpSettings": "config.settings",
    "TemporalSettings": "config.settings",
    "load_settings": "config.settings",
}

__all__ = ["MieuxSettings", "SettingsError", "SmtpSettings", "TemporalSettings", "load_settings"]

if TYPE_CHECKING:
    from config.settings import MieuxSettings, SmtpSettings, TemporalSettings, load_settings
    from config.sources import SettingsError


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'config' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
