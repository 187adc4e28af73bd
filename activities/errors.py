"""How activities report failures to Temporal: non-retryable for bad input, retryable for an
outside system that is down. Messages carry ids, never personal data (DOMAIN.md §5)."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError


def refused(error_type: str, message: str) -> ApplicationError:
    """Bad input: retrying cannot help, so the workflow sees it at once."""
    return ApplicationError(message, type=error_type, non_retryable=True)


def unavailable(error_type: str, message: str) -> ApplicationError:
    """The outside system failed; the retry policy's backoff decides when to try again."""
    return ApplicationError(message, type=error_type, non_retryable=False)
