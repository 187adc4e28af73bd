"""Timeouts and retry policies of every activity, for workflows to pass to `execute_activity`.

Importing this module pulls in only `temporalio.common`, so it is safe inside the workflow
sandbox. Errors the activities raise as non-retryable carry the types listed here as well, so
a policy that forgets the flag still stops retrying them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy

# ApplicationError types: a bad input does not get better by retrying it.
INVALID_NOTICE = "InvalidNotice"
INVALID_ADDRESS = "InvalidAddress"
INVALID_DOCUMENT = "InvalidDocument"
INVALID_QUERY = "InvalidQuery"
UNKNOWN_EXPERT = "UnknownExpert"
WEBHOOK_REJECTED = "WebhookRejected"
# Retryable types: the outside system is down or slow and may come back.
SMTP_UNAVAILABLE = "SmtpUnavailable"
WEBHOOK_UNAVAILABLE = "WebhookUnavailable"
ROSTER_UNAVAILABLE = "RosterUnavailable"
DOCUMENT_STORE_UNAVAILABLE = "DocumentStoreUnavailable"
DATABASE_UNAVAILABLE = "DatabaseUnavailable"
RECIPIENT_DEFERRED = "RecipientDeferred"  # a 4xx for this recipient or message: retried
MAIL_GIVEN_UP = "MailGivenUp"  # deferred past `smtp.give_up_after_hours`: not retried

# The activities heartbeat every 2 s while they work (activities/heartbeat.py): a host that
# dies mid-activity is noticed within this, and another host takes the activity over.
HEARTBEAT = timedelta(seconds=8)

# SMTP may be down for hours; the notice must still go out once it is back (DOMAIN.md §4),
# so attempts are unlimited and the backoff is capped at ten minutes. A deferral by the
# recipient's side sets its own, longer delay (activities/email.py) and ends after days.
SEND_NOTICE: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=60),
    "heartbeat_timeout": HEARTBEAT,
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=[INVALID_NOTICE, INVALID_ADDRESS, MAIL_GIVEN_UP],
    ),
}

# The daily digest's read of the outbox: a database that is away delays it, nothing more.
UNCONFIRMED_NOTICES: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10)),
}

# The chat channel is a courtesy copy of an escalation: give up after about a day.
POST_ESCALATION: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        maximum_attempts=150,
        non_retryable_error_types=[WEBHOOK_REJECTED],
    ),
}

# Rendering takes well under a second: a host that died while writing is noticed, and the
# document written by another, within half a minute.
WRITE_DOCUMENT: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": HEARTBEAT,
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=[INVALID_DOCUMENT],
    ),
}

# Roster look-ups and reservations are short transactions; a locked or unreachable database
# is retried, a bad query or an unknown expert is not.
ROSTER: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": HEARTBEAT,
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=[INVALID_QUERY, UNKNOWN_EXPERT],
    ),
}

FIND_CANDIDATES = ROSTER
RESERVE_EXPERT = ROSTER
RELEASE_EXPERT = ROSTER
RECORD_DEPLOYMENT = ROSTER
EXPERT_CONTACT = ROSTER

# The register must be written, but never holds up the Action's end: the closure notices are
# out before it runs, and it is retried for as long as the database is away.
REGISTER_ACTION: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": HEARTBEAT,
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
    ),
}

# In process, reading what the worker holds: a local activity, a second at most.
DEPLOYMENT_SETTINGS: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=10),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=10)),
}

BY_ACTIVITY: dict[str, dict[str, Any]] = {
    "send_notice": SEND_NOTICE,
    "unconfirmed_notices": UNCONFIRMED_NOTICES,
    "post_escalation": POST_ESCALATION,
    "write_document": WRITE_DOCUMENT,
    "find_candidates": FIND_CANDIDATES,
    "reserve_expert": RESERVE_EXPERT,
    "release_expert": RELEASE_EXPERT,
    "record_deployment": RECORD_DEPLOYMENT,
    "expert_contact": EXPERT_CONTACT,
    "register_action": REGISTER_ACTION,
    "deployment_settings": DEPLOYMENT_SETTINGS,
}
