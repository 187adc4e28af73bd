"""The deployment's own settings, for a new Action (`deployment_settings`): the policy and
the staff directory the workers were started with, so that they, not the shell of whoever
submits a request, decide an Action's clocks and who holds which role in it."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

from config.settings import MieuxSettings
from glossary.action_input import Deployment


class DeploymentActivities:
    def __init__(self, settings: Callable[[], MieuxSettings]) -> None:
        # A callable: the worker's settings as loaded at its start (tests load them afresh).
        self.settings = settings

    @activity.defn(name="deployment_settings")
    async def deployment_settings(self) -> Deployment:
        settings = self.settings()
        return Deployment(
            policy=settings.policy,
            staff=settings.staff,
            escalation_webhook=settings.webhook.url is not None,
        )
