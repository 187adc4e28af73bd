"""The worker: one process polling the `mieux` task queue. Run as many as you like; they
share the queue, and nothing here assumes it is the only one."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from temporalio.client import Client
from temporalio.worker import Worker

from config import MieuxSettings
from worker.proof import ProofInterceptor, Trust, trust_of
from worker.schedules import keep_schedules
from workflows.action_lifecycle import ActionLifecycle
from workflows.activity_delivery import ActivityDelivery
from workflows.mail_digest import MailDigest
from workflows.reference_register import ReferenceRegister

WORKFLOWS: list[type] = [ActionLifecycle, ActivityDelivery, ReferenceRegister, MailDigest]

log = logging.getLogger("mieux.worker")


def production_activities(settings: MieuxSettings) -> list[Callable[..., Any]]:
    from activities import all_activities

    return all_activities(settings)


def build_worker(
    client: Client,
    task_queue: str,
    activities: Sequence[Callable[..., Any]],
    max_cached_workflows: int = 500,
    trust: Trust | None = None,
) -> Worker:
    """`trust`: whom commands are taken from (worker/proof.py); by default the local
    single-user mode, as `mieux dev` runs without a provider."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=list(activities),
        max_cached_workflows=max_cached_workflows,
        interceptors=[ProofInterceptor(trust or Trust())],
    )


async def keep_fingerprint(settings: MieuxSettings) -> None:
    """This host's fingerprint of `web.secret`, kept fresh for the web service to compare
    (store/fingerprints.py); a database away only delays it."""
    from store.fingerprints import REFRESH_SECONDS

    while True:
        await record_fingerprint(settings)
        await asyncio.sleep(REFRESH_SECONDS)


async def record_fingerprint(settings: MieuxSettings) -> None:
    from store.fingerprints import Fingerprints

    secret = settings.web.secret.get_secret_value() if settings.web.secret else ""
    try:
        await asyncio.to_thread(Fingerprints(settings.database_url).record, "worker", secret)
    except (SQLAlchemyError, OSError) as error:
        log.warning("could not record this worker's secret fingerprint (%s)", type(error).__name__)


async def run_worker(client: Client, settings: MieuxSettings, stop: asyncio.Event) -> None:
    trust = trust_of(settings)
    await trust.load_keys()  # a provider the worker cannot reach stops it here, said once
    await keep_schedules(client, settings)
    worker = build_worker(
        client,
        settings.task_queue,
        production_activities(settings),
        settings.worker.max_cached_workflows,
        trust,
    )
    refresh = asyncio.create_task(trust.keep_keys_fresh()) if not trust.local else None
    fingerprint = asyncio.create_task(keep_fingerprint(settings))
    async with worker:
        log.info(
            "worker polling task queue %r on %s; %s",
            settings.task_queue,
            client.namespace,
            f"staff proven by {trust.issuer}"
            if not trust.local
            else "local single-user mode (no auth.issuer)",
        )
        await stop.wait()
    fingerprint.cancel()
    if refresh is not None:
        refresh.cancel()
    log.info("worker stopped")


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
