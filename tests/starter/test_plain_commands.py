"""The fast path of the commonest commands (`starter/plain_commands.py`) never accepts what
its glossary model would refuse, and builds exactly the payload the model would dump."""

from __future__ import annotations

from typing import Any

import annotated_types
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from glossary import commands
from starter.plain_commands import PLAIN, Choice, Text, plain_payload


def _limits(model: type[commands.Command], field: str) -> tuple[int, int | None]:
    metadata = model.model_fields[field].metadata
    shortest = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 0)
    longest = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), None)
    return shortest, longest


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_fast_path_has_the_models_fields_limits_and_defaults(name: str):
    model = getattr(commands, name)
    spec = PLAIN[name]

    assert list(spec) == list(model.model_fields)
    for field, rule in spec.items():
        info = model.model_fields[field]
        if isinstance(rule, Text):
            assert (rule.shortest, rule.longest) == _limits(model, field), field
            # The fast path may ask for what the model defaults (the CLI always sends `by`),
            # never default what the model asks for, nor default it otherwise.
            if rule.default is not None:
                assert not info.is_required() and rule.default == info.default, field
        else:
            assert isinstance(rule, Choice)
            assert set(rule.values) == {v.value for v in info.annotation}, field


_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "  x ", "ok", "a\nb", "\t", "\x85", "x\u2028y", "é" * 2001]),
    st.builds(lambda n: "r" * n, st.sampled_from([1, 2, 79, 80, 81, 1999, 2000, 2001, 5001])),
)


@st.composite
def _fields(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(PLAIN)))
    given: dict[str, Any] = {}
    for field, rule in PLAIN[name].items():
        if draw(st.booleans()) or field == "by":
            if isinstance(rule, Choice):
                given[field] = draw(st.sampled_from([*rule.values, "approve", ""]))
            else:
                given[field] = draw(_TEXT)
    if draw(st.integers(0, 9)) == 0:
        given["unexpected"] = "x"
    return name, given


@settings(max_examples=400, deadline=None)
@given(_fields())
def test_a_plain_payload_is_what_the_model_would_send(case: tuple[str, dict[str, Any]]):
    name, fields = case
    payload = plain_payload(name, fields)
    if payload is None:
        return
    try:
        model = getattr(commands, name).model_validate(fields)
    except ValidationError as error:
        pytest.fail(f"the fast path took {fields!r}, which {name} refuses: {error}")
    assert payload == model.model_dump(mode="json")
    assert list(payload) == list(model.model_dump(mode="json"))


def test_the_usual_commands_take_the_fast_path():
    assert plain_payload("Hold", {"by": "po.martin", "reason": "elections"}) == {
        "by": "po.martin",
        "reason": "elections",
    }
    assert plain_payload("Resume", {"by": "po.martin"}) == {"by": "po.martin", "comment": ""}
    vote = {"by": "po.martin", "member": "DG_HOME", "decision": "approved"}
    assert plain_payload("PsgVote", vote) == {**vote, "comment": ""}
    # What the model must judge, or word the refusal of, is left to it.
    assert plain_payload("Hold", {"by": "po.martin", "reason": " x "}) is None
    assert plain_payload("PsgVote", {**vote, "decision": "rejected"}) is None
    assert plain_payload("IntakeDecision", {"by": "po.martin", "decision": "accept"}) is None
