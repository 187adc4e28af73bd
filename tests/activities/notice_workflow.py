"""A one-notice workflow: the real `send_notice` activity run by a real worker."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.options import SEND_NOTICE
    from glossary.notices import Notice, NoticeReceipt

# The production policy's shape with a short interval, so the outage test takes a second.
QUICK_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=100),
    backoff_coefficient=1.0,
    non_retryable_error_types=SEND_NOTICE["retry_policy"].non_retryable_error_types,
)


@workflow.defn
class SendOneNotice:
    @workflow.run
    async def run(self, notice: Notice) -> NoticeReceipt:
        return await workflow.execute_activity(
            "send_notice",
            notice,
            result_type=NoticeReceipt,
            start_to_close_timeout=SEND_NOTICE["start_to_close_timeout"],
            retry_policy=QUICK_RETRY,
        )
