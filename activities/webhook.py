"""The `post_escalation` activity: an escalation also POSTed as JSON to a chat channel.

The URL is a secret (chat webhooks carry their token in it): it is never logged, never put in
an error message, and httpx's own request log is filtered so it cannot leak there either. The
payload names people by role and id only; anything shaped like an email address is removed.
Failures the channel may recover from (network, 408, 429, 5xx) are retried by the retry
policy; other refusals (a 4xx: wrong URL, revoked token) are not.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from typing import Any

import httpx
from temporalio import activity

from activities.errors import refused, unavailable
from activities.options import WEBHOOK_REJECTED, WEBHOOK_UNAVAILABLE
from config.settings import WebhookSettings
from glossary.notices import Notice

_ADDRESS = re.compile(r"[^\s@<>\"',;:()]+@[^\s@<>\"',;:()]+")
_RETRYABLE_STATUS = {408, 425, 429}


class WebhookActivities:
    def __init__(
        self, settings: WebhookSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._transport = transport
        if settings.url is not None:
            _hide_in_http_logs(settings.url.get_secret_value())

    @activity.defn(name="post_escalation")
    async def post_escalation(self, notice: Notice) -> None:
        if self._settings.url is None:
            activity.logger.debug("escalation %s: no webhook configured", notice.key)
            return
        what = f"escalation {notice.key}"
        try:
            async with httpx.AsyncClient(
                timeout=self._settings.timeout_seconds, transport=self._transport
            ) as client:
                response = await client.post(
                    self._settings.url.get_secret_value(),
                    json=escalation_payload(notice),
                    # Receivers that support it drop a retried post they already have.
                    headers={"Idempotency-Key": _digest(notice.key)},
                )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise refused(WEBHOOK_REJECTED, f"{what}: the webhook URL is not usable") from None
        except httpx.HTTPError as error:
            activity.logger.warning("%s: webhook unreachable (%s)", what, type(error).__name__)
            raise unavailable(
                WEBHOOK_UNAVAILABLE, f"{what}: webhook unreachable ({type(error).__name__})"
            ) from None
        status = response.status_code
        if status >= 500 or status in _RETRYABLE_STATUS:
            activity.logger.warning("%s: webhook answered %d; will retry", what, status)
            raise unavailable(WEBHOOK_UNAVAILABLE, f"{what}: webhook answered {status}")
        if status >= 400:
            raise refused(WEBHOOK_REJECTED, f"{what}: webhook refused the post ({status})")
        activity.logger.info("%s: posted to the webhook (%d)", what, status)


def escalation_payload(notice: Notice) -> dict[str, Any]:
    """What the chat channel sees: the Action, what is late, whose turn it is, by role."""
    due = notice.due_at.isoformat() if notice.due_at else None
    text = f"MIEUX {notice.reference}: {notice.subject}. Awaited: {notice.awaited}."
    if due:
        text += f" Due {due}."
    if notice.command:
        text += f" Answer with `{notice.command}`."
    payload: dict[str, Any] = {
        "text": text,
        "id": _digest(notice.key),
        "kind": notice.kind.value,
        "reference": notice.reference,
        "action_title": notice.action_title,
        "subject": notice.subject,
        "awaited": notice.awaited,
        "due_at": due,
        "command": notice.command,
        "escalated_to": {"role": notice.to.role, "id": notice.to.id},
        "details": list(notice.details),
    }
    return _without_addresses(payload)


def _without_addresses(value: Any) -> Any:
    if isinstance(value, str):
        return _ADDRESS.sub("[address removed]", value)
    if isinstance(value, dict):
        return {k: _without_addresses(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_addresses(v) for v in value]
    return value


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class _HideWebhookUrl(logging.Filter):
    """httpx logs every request with its full URL at INFO: replace the secret one."""

    def __init__(self, secrets: set[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<escalation webhook>")
            record.msg, record.args = message, ()
        return True


_FILTER = _HideWebhookUrl(set())


def _hide_in_http_logs(url: str) -> None:
    forms = {url}
    with contextlib.suppress(httpx.InvalidURL):
        forms.add(str(httpx.URL(url)))  # the form httpx prints, which may be normalised
    _FILTER.secrets.update(form for form in forms if form)
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
