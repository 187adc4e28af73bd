"""Generated bad input, at scale (issue 15): every command and argument of the CLI, with one
slot made bad in a way the contract forbids (unknown or malformed references, wrong stage,
unknown members, control characters and line breaks, huge strings, malformed JSON files,
numbers and durations out of range), sent to a real Action on the dev server.

For each: no traceback, exit 1 (refused by the workflow) or 2 (bad input), one error line
naming what is wrong, nothing on stdout, and the Action's status exactly as before. The
worker fixture fails the test on any workflow task failure. `MIEUX_BAD_INPUT_EXAMPLES`
sets how many (1,000 by default).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.starter.conftest import Cli
from tests.workflows.support import sample_fiche, sample_request

EXAMPLES = int(os.environ.get("MIEUX_BAD_INPUT_EXAMPLES", "1000"))

# Refused in any text; line breaks only where the field is one line.
_GARBAGE = ["\x00", "\x07", "\x1b", "\x7f", "\x0b", "\x85", "\x9b"]
_BREAKS = ["\r", "\n", "\r\n", "\u2028"]
_WORDS = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=30)


@st.composite
def _with_control(draw: st.DrawFn, breaks: bool = True) -> str:
    text = draw(_WORDS)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(_GARBAGE + (_BREAKS if breaks else []))) + text[at:]


def _huge(low: int) -> st.SearchStrategy[str]:
    return st.builds(lambda n, c: c * n, st.integers(low, low * 4), st.sampled_from("xé€"))


_BLANK = st.sampled_from(["", " ", "     ", "\t", " \u00a0 "])


def _one_line_bad(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(_with_control(), _huge(limit + 1))


_REASON_BAD = st.one_of(
    _BLANK, st.sampled_from(["x", "é"]), _huge(2001), _with_control(breaks=False)
)
_COMMENT_BAD = st.one_of(_huge(5001), _with_control(breaks=False))
_REF_BAD = st.one_of(
    st.sampled_from(["", "2026", "2026-1", "2026-001", "26-01", "../2026-01", "2026_01"]),
    st.builds(lambda y, n: f"{y}-{n:02d}", st.integers(2900, 2999), st.integers(1, 99)),
    _with_control(),
    _huge(200),
)
_MEMBER_BAD = st.one_of(st.sampled_from(["DG_FOO", "dg_home", "EEAS ", ""]), _with_control())
_INT_BAD = st.one_of(
    st.sampled_from(["0", "-1", "abc", "1.5", "1e3", "", "99999999999999999999999"]),
    _with_control(),
)
_DURATION_BAD = st.sampled_from(["P", "-P3D", "3 weeks", "P99999D", "PT0S", "P0D", "", "P1X"])
_KEY_BAD = st.one_of(st.sampled_from(["", "a key", "k/1", "é"]), _with_control(), _huge(81))
_TIMEOUT_BAD = st.sampled_from(["-1", "0", "abc", "nan", "inf", "-inf", "1e400", ""])
_YEAR_BAD = st.one_of(st.integers(-(10**6), 2008), st.integers(10000, 10**8)).map(str)


def _json_bad(valid: dict[str, Any], required: list[str]) -> st.SearchStrategy[str]:
    """A file that must be refused: not JSON, too deep, the wrong shape, or one field bad."""
    fields = sorted(valid)

    def one_bad(name: str, value: Any) -> str:
        return json.dumps(valid | {name: value})

    return st.one_of(
        st.sampled_from(["", "{", "[]", "null", "42", '"text"', "{'a': 1}", "\x00{}"]),
        st.integers(1000, 3000).map(lambda depth: "[" * depth + "]" * depth),
        # Nested lists fit no field's type (text, number, date, object or list of them).
        st.builds(one_bad, st.sampled_from(fields), st.just([[[None]]])),
        st.builds(lambda extra: json.dumps(valid | {extra: 1}), st.sampled_from(["zz", "Id"])),
        st.builds(
            lambda name: json.dumps({k: v for k, v in valid.items() if k != name}),
            st.sampled_from(required),
        ),
    )


def _required(model: type[Any]) -> list[str]:
    return sorted(n for n, f in model.model_fields.items() if f.is_required())


def _request_bad(year: int) -> st.SearchStrategy[str]:
    from glossary import Request

    # In the test's own year: a request accepted by mistake would take that year's -02.
    valid = sample_request(received_on=f"{year}-03-02").model_dump(mode="json")
    person = valid["partner_focal_point"]
    injected = st.sampled_from(
        [
            "=?utf-8?q?x=0D=0ABcc:_a@b.c?=",
            "Ana\r\nBcc: a@b.c",
            "Ana\nBcc: a@b.c",
            "Ana\x00",
        ]
    )
    return st.one_of(
        _json_bad(valid, _required(Request)),
        injected.map(lambda n: json.dumps(valid | {"partner_focal_point": person | {"name": n}})),
        st.sampled_from(["a@b.c\r\nBcc: x@y.z", "no-at-sign", "a@b.c, d@e.f", "<a@b.c>"]).map(
            lambda e: json.dumps(valid | {"partner_focal_point": person | {"email": e}})
        ),
        st.sampled_from(["1999-01-01", "2026-02-30", "yesterday", f"{year}-13-01"]).map(
            lambda d: json.dumps(valid | {"received_on": d})
        ),
    )


def _fiche_bad() -> st.SearchStrategy[str]:
    from glossary.action import ActionFiche

    valid = sample_fiche()
    activity = valid["activities"][0]
    return st.one_of(
        _json_bad(valid, _required(ActionFiche)),
        st.sampled_from(
            [{"end": "2000-01-01"}, {"number": 0}, {"type": "party"}, {"start": "x"}]
        ).map(lambda change: json.dumps(valid | {"activities": [activity | change]})),
        st.just(json.dumps(valid | {"activities": []})),
    )


@dataclass(frozen=True)
class Slot:
    name: str  # what the error line must mention
    valid: str
    bad: st.SearchStrategy[str]
    file: str = ""  # a file slot: the bad value is the file's content


def _templates(
    ref: str, year: int, request_file: str, fiche_file: str
) -> list[tuple[list[Any], ...]]:
    R = Slot("ref", ref, _REF_BAD)
    reason = Slot("reason", "elections", _REASON_BAD)
    one_line = Slot("by", "EUDEL Kenya", _one_line_bad(120))
    comment = Slot("comment", "fine", _COMMENT_BAD)
    return [
        (["hold", R, "--reason", reason],),
        (["withdraw", R, "--reason", reason],),
        (["resume", R, "--comment", Slot("comment", "back", _one_line_bad(2000))],),
        (["consult", R, "--by", one_line, "--no-objection"],),
        (["approve", R, "--member", Slot("member", "DG_HOME", _MEMBER_BAD)],),
        (["revise", R, "--member", "DG_HOME", "--comment", comment],),
        (["intake", R, "reject", "--reason", reason],),
        (
            [
                "expert",
                "confirm",
                R,
                "--activity",
                Slot("activity", "1", _INT_BAD),
                "--expert",
                "EX-NL-01",
            ],
        ),
        (
            [
                "expert",
                "nominate",
                R,
                "--activity",
                "1",
                "--expert",
                Slot("expert", "EX-PT-01", st.one_of(_with_control(), _huge(41))),
            ],
        ),
        (
            [
                "deadline",
                "extend",
                R,
                "--clock",
                "psg-1",
                "--by",
                Slot("by", "P3D", _DURATION_BAD),
                "--reason",
                "partner asked",
            ],
        ),
        (["hold", R, "--reason", "elections", "--as", Slot("as", "tester", _one_line_bad(80))],),
        (["hold", R, "--reason", "elections", "--key", Slot("key", "k-1", _KEY_BAD)],),
        (["hold", R, "--reason", "elections", "--timeout", Slot("timeout", "15", _TIMEOUT_BAD)],),
        (["request", "submit", Slot("request", request_file, _request_bad(year), "request")],),
        (["fiche", "submit", R, Slot("fiche", fiche_file, _fiche_bad(), "fiche")],),
        (["status", R],),
        (["report", "--year", Slot("year", "2026", _YEAR_BAD)],),
    ]


@st.composite
def _invocation(draw: st.DrawFn, templates: list[Any]) -> tuple[list[str], Slot, str]:
    (argv,) = draw(st.sampled_from(templates))
    slots = [part for part in argv if isinstance(part, Slot)]
    bad = draw(st.sampled_from(slots))
    value = draw(bad.bad)
    words = [
        (value if part is bad else part.valid) if isinstance(part, Slot) else part for part in argv
    ]
    return words, bad, value


async def test_generated_bad_input_is_refused_and_changes_nothing(cli: Cli, worker: object):
    ref = await cli.to_psg()
    handle = (await cli_client(cli)).get_workflow_handle(f"action-{ref}")
    before = await handle.query("status")
    loop = asyncio.get_running_loop()
    request_file = cli.request_file(name="A valid request")
    fiche_file = cli.fiche_file()
    templates = _templates(ref, cli.year, request_file, fiche_file)
    tally: Counter[str] = Counter()
    scratch = Path(cli.tmp_path) / "generated"
    scratch.mkdir()

    def on_loop(coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(120)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(_invocation(templates))
    def refused(case: tuple[list[str], Slot, str]) -> None:
        words, bad, value = case
        if bad.file:
            path = scratch / f"{bad.file}.json"
            path.write_text(value, encoding="utf-8", errors="surrogatepass")
            words = [str(path) if w == value else w for w in words]
        outcome = on_loop(cli(*words))
        lines = outcome.err.splitlines()
        assert "Traceback" not in outcome.err, words
        assert outcome.code in (1, 2), (words, outcome)
        assert outcome.out == "", (words, outcome)
        assert lines and lines[-1].startswith("mieux"), (words, outcome)
        if outcome.code == 2 and bad.name != "ref":
            assert bad.name in lines[-1] or bad.file in lines[-1], (words, lines[-1])
        after = on_loop(handle.query("status"))
        changed = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
        assert not changed, (words, changed)
        tally[f"exit {outcome.code}"] += 1

    await asyncio.to_thread(refused)
    last = (
        await (await cli_client(cli))
        .get_workflow_handle(f"mieux-references-{cli.year}")
        .query("last_reference")
    )
    print(f"\n{sum(tally.values())} generated bad invocations: {dict(tally)}")
    assert last == ref  # no request file made a second Action
    assert sum(tally.values()) >= EXAMPLES * 0.9


async def cli_client(cli: Cli) -> Any:
    from config import load_settings
    from reads.session import Session

    return await Session(settings=load_settings(), identity="test").client()
