"""The MIEUX glossary as pydantic models: the ground floor of mieux-flow.

Everything here is plain data and pure rules; it imports nothing of ours, so workflows,
activities, the worker and the CLI can all stand on it (DOMAIN.md §5 and §6).

Names load on first use (PEP 562): `mieux status` pays for the status models, not
for every model of the glossary.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "ActionFiche": "glossary.action",
    "ActionInput": "glossary.action_input",
    "ActionStatus": "glossary.status",
    "ActivityCompleted": "glossary.commands",
    "ActivityPlan": "glossary.action",
    "ActivityType": "glossary.action",
    "ActivityView": "glossary.status",
    "AmendPlan": "glossary.commands",
    "AuditEntry": "glossary.status",
    "Channel": "glossary.request",
    "ClockView": "glossary.status",
    "CommandRefused": "glossary.commands",
    "ConsultationFeedback": "glossary.commands",
    "DecisionRule": "glossary.policy",
    "DeliverablesValidated": "glossary.commands",
    "DeliveryInput": "glossary.action_input",
    "EvaluationDone": "glossary.commands",
    "Expert": "glossary.people",
    "ExpertResponse": "glossary.commands",
    "ExtendDeadline": "glossary.commands",
    "FeedbackReceived": "glossary.commands",
    "FocalPoint": "glossary.people",
    "FollowUpReceived": "glossary.commands",
    "Hold": "glossary.commands",
    "IntakeDecision": "glossary.commands",
    "NominateExpert": "glossary.commands",
    "Notice": "glossary.notices",
    "NoticeKind": "glossary.notices",
    "NoticeReceipt": "glossary.notices",
    "PlannedActivity": "glossary.action",
    "Policy": "glossary.policy",
    "PsgMember": "glossary.names",
    "PsgVote": "glossary.commands",
    "PsgVoteView": "glossary.status",
    "ReceivedVia": "glossary.request",
    "Recipient": "glossary.people",
    "Region": "glossary.names",
    "Request": "glossary.request",
    "RequesterType": "glossary.request",
    "RequestingAuthority": "glossary.request",
    "Resume": "glossary.commands",
    "StaffDirectory": "glossary.people",
    "StaffMember": "glossary.people",
    "Stage": "glossary.names",
    "SubmitFiche": "glossary.commands",
    "TERMINAL_STAGES": "glossary.status",
    "Theme": "glossary.names",
    "Withdraw": "glossary.commands",
    "WorkingHours": "glossary.policy",
    "parse_command": "glossary.commands",
    "reference_of": "glossary.names",
    "workflow_id_of": "glossary.names",
}

if TYPE_CHECKING:
    from glossary.action import ActionFiche, ActivityPlan, ActivityType, PlannedActivity
    from glossary.action_input import ActionInput, DeliveryInput, reference_of, workflow_id_of
    from glossary.commands import (
        ActivityCompleted,
        AmendPlan,
        CommandRefused,
        ConsultationFeedback,
        DeliverablesValidated,
        EvaluationDone,
        ExpertResponse,
        ExtendDeadline,
        FeedbackReceived,
        FollowUpReceived,
        Hold,
        IntakeDecision,
        NominateExpert,
        PsgVote,
        Resume,
        SubmitFiche,
        Withdraw,
        parse_command,
    )
    from glossary.notices import Notice, NoticeKind, NoticeReceipt
    from glossary.people import Expert, FocalPoint, Recipient, StaffDirectory, StaffMember
    from glossary.policy import DecisionRule, Policy, WorkingHours
    from glossary.request import (
        Channel,
        ReceivedVia,
        Region,
        Request,
        RequesterType,
        RequestingAuthority,
        Theme,
    )
    from glossary.status import (
        TERMINAL_STAGES,
        ActionStatus,
        ActivityView,
        AuditEntry,
        ClockView,
        PsgMember,
        PsgVoteView,
        Stage,
    )


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'glossary' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "TERMINAL_STAGES",
    "ActionFiche",
    "ActionInput",
    "ActionStatus",
    "ActivityCompleted",
    "ActivityPlan",
    "ActivityType",
    "ActivityView",
    "AmendPlan",
    "AuditEntry",
    "Channel",
    "ClockView",
    "CommandRefused",
    "ConsultationFeedback",
    "DecisionRule",
    "DeliverablesValidated",
    "DeliveryInput",
    "EvaluationDone",
    "Expert",
    "ExpertResponse",
    "ExtendDeadline",
    "FeedbackReceived",
    "FocalPoint",
    "FollowUpReceived",
    "Hold",
    "IntakeDecision",
    "NominateExpert",
    "Notice",
    "NoticeKind",
    "NoticeReceipt",
    "PlannedActivity",
    "Policy",
    "PsgMember",
    "PsgVote",
    "PsgVoteView",
    "ReceivedVia",
    "Recipient",
    "Region",
    "Request",
    "RequesterType",
    "RequestingAuthority",
    "Resume",
    "StaffDirectory",
    "StaffMember",
    "Stage",
    "SubmitFiche",
    "Theme",
    "Withdraw",
    "WorkingHours",
    "parse_command",
    "reference_of",
    "workflow_id_of",
]
