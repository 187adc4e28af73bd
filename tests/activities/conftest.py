"""Fixtures of the activity tests: the email activities wired to the real SMTP fixture."""

from __future__ import annotations

import pytest

from activities.email import EmailActivities
from config.settings import SmtpSettings
from tests.conftest import SmtpServer


@pytest.fixture
def smtp_settings(smtp_server: SmtpServer) -> SmtpSettings:
    return SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout_seconds=5)


@pytest.fixture
def email_activities(smtp_settings: SmtpSettings, database_url: str) -> EmailActivities:
    return EmailActivities(smtp_settings, database_url)
