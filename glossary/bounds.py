"""Bounds on what people type, well under Temporal's limits (2 MB a payload, 2 KB a search
attribute value): a request, a Fiche or a command near those limits passed validation and
then broke the Action (issue 22.8). Each bound is refused by pydantic naming the field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# A place, a language, an id: what a search attribute or a table cell holds.
Word = Annotated[str, Field(min_length=1, max_length=80)]
# A title, an institution, an output: one line.
Line = Annotated[str, Field(min_length=1, max_length=500)]

# Lists: a handful in practice (MIEUX Actions have 6-7 activities, 1-3 countries).
FEW = 20
SOME = 50
