"""The roster's tables live with the rest of the shared database, in `store.tables`."""

from store.tables import (
    AssignmentRow,
    AssignmentState,
    Base,
    ConflictRow,
    ExpertiseRow,
    ExpertRow,
    FocalPointRow,
    LanguageRow,
    UnavailabilityRow,
)

__all__ = [
    "AssignmentRow",
    "AssignmentState",
    "Base",
    "ConflictRow",
    "ExpertRow",
    "ExpertiseRow",
    "FocalPointRow",
    "LanguageRow",
    "UnavailabilityRow",
]
