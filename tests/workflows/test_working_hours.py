"""Reminders wait for the recipient's working morning; deadlines never wait (DOMAIN.md §4)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from glossary import ActionInput, Policy, StaffMember
from tests.workflows.support import (
    STAFF,
    Outbox,
    accept,
    running_worker,
    sample_request,
    start_action,
)

NAIROBI = ZoneInfo("Africa/Nairobi")


def next_saturday_2am_nairobi(after: datetime) -> datetime:
    local = after.astimezone(NAIROBI) + timedelta(days=1)
    while local.weekday() != 5:
        local += timedelta(days=1)
    return local.replace(hour=2, minute=0, second=0, microsecond=0)


def _nairobi_officer_input(policy: Policy) -> ActionInput:
    officer = StaffMember(
        id="po.wanjiru",
        name="Officer in Nairobi",
        email="po.wanjiru@mieux.example.org",
        timezone="Africa/Nairobi",
    )
    staff = STAFF.model_copy(update={"project_officers": [officer]})
    return ActionInput(reference="2026-07", request=sample_request(), policy=policy, staff=staff)


async def test_a_reminder_due_saturday_2am_in_nairobi_arrives_monday_9am_nairobi_time(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    now = await env.get_current_time()
    saturday_2am = next_saturday_2am_nairobi(now)
    offset = saturday_2am - now
    # The deadline is on the Tuesday: the working morning comes before it.
    policy = Policy(fiche_reminders=[offset], fiche_deadline=offset + timedelta(days=3))
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, _nairobi_officer_input(policy))
        await accept(handle)
        await env.sleep(offset + timedelta(days=2, hours=12))
    [reminder] = outbox.matching("reminder", "fiche")
    arrival = reminder.at.astimezone(NAIROBI)
    assert (arrival.strftime("%A %H:%M"), arrival.date()) == (
        "Monday 09:00",
        (saturday_2am + timedelta(days=2)).date(),
    )


async def test_a_reminder_never_lands_after_its_deadline_it_goes_at_once(
    time_skipping_env, task_queue
):
    """Saturday 02:00 reminder, Sunday deadline: no working time is left before it, so the
    reminder goes at once instead of on Monday, after the deadline (DOMAIN §4)."""
    env, outbox = time_skipping_env, Outbox()
    now = await env.get_current_time()
    saturday_2am = next_saturday_2am_nairobi(now)
    offset = saturday_2am - now
    policy = Policy(fiche_reminders=[offset], fiche_deadline=offset + timedelta(days=1))
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, _nairobi_officer_input(policy))
        accepted_at = await accept(handle)
        await env.sleep(offset + timedelta(days=3))
    [reminder] = outbox.matching("reminder", "fiche")
    [escalation] = outbox.matching("escalation", "fiche")
    assert reminder.at == accepted_at + offset
    assert reminder.at.astimezone(NAIROBI).strftime("%A %H:%M") == "Saturday 02:00"
    assert reminder.at < escalation.at
    # The deadline itself never waits for working hours.
    assert escalation.at == accepted_at + offset + timedelta(days=1)
    assert escalation.at.astimezone(NAIROBI).strftime("%A") == "Sunday"
