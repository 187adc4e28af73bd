"""Settings: one place for every knob (DOMAIN.md §4 and §6)."""

from config.settings import (
    MieuxSettings,
    SettingsError,
    SmtpSettings,
    TemporalSettings,
    load_settings,
)

__all__ = ["MieuxSettings", "SettingsError", "SmtpSettings", "TemporalSettings", "load_settings"]
