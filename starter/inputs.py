"""Reading what staff give the CLI: references and JSON files, checked before anything is sent.

A bad file is refused here with the file and the field named, so nothing half-valid ever
reaches a workflow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from glossary.names import describe_validation_error, reference_of
from reads.errors import BadInput

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


def reference(text: str) -> str:
    """`2026-03` from `2026-03` or `action-2026-03`."""
    try:
        return reference_of(text)
    except ValueError as error:
        raise BadInput(str(error)) from None


MAX_INPUT_BYTES = 500_000


def read_json(source: str) -> Any:
    """The parsed JSON of a file, or of stdin when `source` is `-`."""
    name = "stdin" if source == "-" else source
    try:
        # Bounded before anything is read whole: no request, Fiche or plan comes near it,
        # and Temporal refuses payloads of 2 MB (issue 22.8: a 67 MB file took 2 GB).
        if source != "-" and Path(source).stat().st_size > MAX_INPUT_BYTES:
            raise BadInput(
                f"{name} is {Path(source).stat().st_size:,} bytes; an input file is at most"
                f" {MAX_INPUT_BYTES:,}"
            )
        text = (
            sys.stdin.read(MAX_INPUT_BYTES + 1)
            if source == "-"
            else Path(source).read_text(encoding="utf-8")
        )
        if len(text) > MAX_INPUT_BYTES:
            raise BadInput(f"{name} is longer than {MAX_INPUT_BYTES:,} characters")
    except OSError as error:
        raise BadInput(f"cannot read {name}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{name} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise BadInput(f"{name} is nested too deeply to be an input file") from None
    if _depth(data) > MAX_DEPTH:
        raise BadInput(f"{name} is nested more than {MAX_DEPTH} levels deep; no input file is")
    return data


# The deepest input file (a Fiche: activities, their lists) is five levels; a hundred is
# generous, and keeps validation and every later step far from Python's recursion limit.
MAX_DEPTH = 100


def _depth(data: Any) -> int:
    """How deeply lists and objects nest, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_object(source: str, *, set_by_options: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON object from a file; fields the command line sets must not be in it."""
    name = "stdin" if source == "-" else source
    data = read_json(source)
    if not isinstance(data, dict):
        raise BadInput(f"{name}: expected a JSON object {{...}}, found {type(data).__name__}")
    for key in ("by", *set_by_options):
        if key in data:
            option = "--as" if key == "by" else f"--{key}"
            raise BadInput(f"{name}: {key}: set it with {option}, not in the file")
    return data


# The command-line option that sets each payload field, to name it in a refusal.
OPTION_OF = {
    "by": "--as",
    "reason": "--reason",
    "forward_to": "--to",
    "project_officer": "--officer",
    "organisation": "--by",
    "objection": "--objection",
    "member": "--member",
    "comment": "--comment",
    "expert_id": "--expert",
    "activity": "--activity",
    "participants": "--participants",
    "women": "--women",
    "men": "--men",
    "outputs": "--output",
    "narrative": "--narrative",
    "clock": "--clock",
    "extend_by": "--by",
}


def validated(model: type[M], data: Any, source: str = "") -> M:
    """`data` as `model`, or BadInput naming the field (or option) and what is wrong."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        described = describe_validation_error(error)
        if source:
            raise BadInput(f"{'stdin' if source == '-' else source}: {described}") from None
        field, sep, rest = described.partition(": ")
        option = OPTION_OF.get(field.split(".")[0]) if sep else None
        raise BadInput(f"{option}: {rest}" if option else described) from None
