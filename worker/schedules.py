"""The schedules the workers keep in Temporal: today, the daily mail digest.

Every worker host makes sure the schedule exists, with the hour the settings give, when it
starts: the first creates it, the others find it and bring it up to date. Temporal runs it,
whichever host is up (no cron on any one machine).
"""

from __future__ import annotations

import logging

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from config.settings import MieuxSettings
from workflows.mail_digest import MailDigest, digest_schedule_id

log = logging.getLogger("mieux.worker")


def mail_digest_schedule(settings: MieuxSettings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            MailDigest.run,
            id=digest_schedule_id(settings.task_queue),
            task_queue=settings.task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(settings.smtp.digest_hour)])],
            time_zone_name=settings.smtp.digest_time_zone,
        ),
        # A digest still running (a mail server away) is not joined by another.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def keep_schedules(client: Client, settings: MieuxSettings) -> None:
    schedule, schedule_id = mail_digest_schedule(settings), digest_schedule_id(settings.task_queue)
    try:
        await client.create_schedule(schedule_id, schedule)
        log.info("schedule %s created", schedule_id)
    except ScheduleAlreadyRunningError:

        def current(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(schedule_id).update(current)
