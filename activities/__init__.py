"""The systems an Action touches, one module each: email (`send_notice`, and
`unconfirmed_notices` for the daily digest), documents
(`write_document`), the roster (`find_candidates`, `reserve_expert`, `release_expert`,
`record_deployment`, `expert_contact`), the escalation webhook (`post_escalation`) and the
register of Actions (`register_action`), and the workers' own settings for a new Action
(`deployment_settings`).

Timeouts and retry policies for each are in `activities.options`, for workflows to import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config.settings import MieuxSettings


def all_activities(settings: MieuxSettings) -> list[Callable[..., Any]]:
    """Every activity, bound to the outside systems named in the settings: what a worker
    registers. Nothing is connected yet; each system is reached on first use."""
    from activities.answer_links import AnswerLinks
    from activities.deployment import DeploymentActivities
    from activities.documents import DocumentActivities
    from activities.email import EmailActivities
    from activities.register import RegisterActivities
    from activities.roster import RosterActivities
    from activities.webhook import WebhookActivities

    secret = settings.web.secret.get_secret_value() if settings.web.secret else ""
    links = AnswerLinks(settings.web.base_url, secret) if secret else None
    email = EmailActivities(settings.smtp, settings.database_url, links=links)
    documents = DocumentActivities(settings.database_url)
    roster = RosterActivities(settings.database_url)
    webhook = WebhookActivities(settings.webhook)
    register = RegisterActivities(settings.database_url)
    return [
        email.send_notice,
        email.unconfirmed_notices,
        documents.write_document,
        roster.find_candidates,
        roster.reserve_expert,
        roster.release_expert,
        roster.record_deployment,
        roster.expert_contact,
        webhook.post_escalation,
        register.register_action,
        DeploymentActivities(lambda: settings).deployment_settings,
    ]


__all__ = ["all_activities"]
