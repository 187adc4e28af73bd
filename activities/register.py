"""The `register_action` activity: an ended Action's record into the register of the shared
database (store/register.py). Idempotent: a retry writes the same record, which changes
nothing."""

from __future__ import annotations

import asyncio

from sqlalchemy.exc import SQLAlchemyError
from temporalio import activity

from activities.errors import unavailable
from activities.heartbeat import heartbeating
from activities.options import DATABASE_UNAVAILABLE
from glossary.register import RegisterRecord
from store.register import Register


class RegisterActivities:
    def __init__(self, database_url: str) -> None:
        self.register = Register(database_url)

    @activity.defn(name="register_action")
    async def register_action(self, record: RegisterRecord) -> bool:
        try:
            async with heartbeating():
                written = await asyncio.to_thread(self.register.put, record)
        except SQLAlchemyError as error:
            raise unavailable(
                DATABASE_UNAVAILABLE, f"register of {record.reference}: {type(error).__name__}"
            ) from None
        activity.logger.info(
            "%s in the register: %s", record.reference, "written" if written else "unchanged"
        )
        return written
