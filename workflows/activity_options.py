"""How long each outside call may take and how it is retried, decided on the workflow side.

Activities are referred to by name, so workflow code never imports SMTP, SQL or HTTP code
into the sandbox.
"""

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy

# SMTP may be down for hours; the notice must still go out once it is back (DOMAIN.md §4).
SEND_NOTICE: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=60),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=5),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=["InvalidNotice", "InvalidAddress"],
    ),
}

POST_ESCALATION: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=5),
        maximum_interval=timedelta(minutes=10),
        maximum_attempts=20,
    ),
}

ROSTER: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=["UnknownExpert", "InvalidQuery"],
    ),
}

WRITE_DOCUMENT: dict[str, Any] = {
    "start_to_close_timeout": timedelta(minutes=2),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=["InvalidDocument"],
    ),
}
