"""Rotating `web.secret` (docs/deployment.md, "Rotating the web secret").

The secret signs the answer links and what an Action and its activities tell each other, and
a signal's proof is checked again whenever its history is replayed (another host, a restart,
an eviction from the cache). So a worker that knew only the new secret would refuse, on
replay, what the old one signed and was taken: the Action would then fail its every task as
nondeterministic. The old secrets (`web.old_secrets`) are kept for replay only; live, nothing
they sign is taken.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.worker import Replayer

from glossary.answers import AnswerStep, AnswerToken, sign
from glossary.caller import CallerKind
from tests.record_histories import CONVERTER, HISTORIES, RECORDING_TRUST, load_history
from worker.headers import HEADER_INTERNAL, HEADER_LINK, header
from worker.main import WORKFLOWS
from worker.proof import ProofInterceptor, Trust, internal_signature, trust_of

# An activity that took instructions from its Action (a cancellation, new dates): signed with
# the recorder's secret.
HISTORY = HISTORIES / "amended_plan.activity-2.json"
OLD, NEW = RECORDING_TRUST.secret, "the secret after the rotation"
NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


async def _replay(trust: Trust) -> Exception | None:
    replayer = Replayer(
        workflows=WORKFLOWS, data_converter=CONVERTER, interceptors=[ProofInterceptor(trust)]
    )
    result = await replayer.replay_workflow(load_history(HISTORY), raise_on_replay_failure=False)
    return result.replay_failure


def test_the_history_holds_signed_instructions():
    events = load_history(HISTORY).events
    signed = [
        e
        for e in events
        if e.workflow_execution_signaled_event_attributes.signal_name == "instruction"
        and HEADER_INTERNAL in e.workflow_execution_signaled_event_attributes.header.fields
    ]
    assert signed


async def test_with_the_old_secret_kept_an_action_replays_what_it_took_under_it():
    assert await _replay(Trust(secret=NEW, old_secrets=(OLD,))) is None


async def test_without_it_the_replay_fails():
    failure = await _replay(Trust(secret=NEW))
    assert failure is not None and "Nondeterminism" in str(failure)


def _internal(secret: str) -> dict:
    args = [{"kind": "hold", "reason": "x", "by": "po.martin"}]
    return {HEADER_INTERNAL: header(internal_signature(secret, "wf", "instruction", args))}, args


def _link(secret: str) -> dict:
    token = AnswerToken(
        reference="2026-07",
        step=AnswerStep.CONSULTATION,
        subject="EUDEL",
        recipient="eudel",
        expires=NOW + timedelta(days=7),
    )
    return {HEADER_LINK: header(sign(token, secret))}


def test_live_the_old_secret_signs_nothing():
    trust = Trust(secret=NEW, old_secrets=(OLD,))
    headers, args = _internal(OLD)
    live = trust.caller(headers, NOW, "signal", "wf", "instruction", args)
    replayed = trust.caller(headers, NOW, "signal", "wf", "instruction", args, replaying=True)
    assert live.kind == CallerKind.REFUSED
    assert live.refusal == "the workers' signature on this message does not hold"
    assert replayed.kind == CallerKind.INTERNAL

    link = _link(OLD)
    live = trust.caller(link, NOW, "signal", "action-2026-07", "consultation_feedback", [])
    replayed = trust.caller(
        link, NOW, "signal", "action-2026-07", "consultation_feedback", [], replaying=True
    )
    assert live.kind == CallerKind.REFUSED and "not valid" in live.refusal
    assert replayed.kind == CallerKind.LINK and replayed.link.recipient == "eudel"


def test_the_new_secret_signs_live_and_a_stranger_signs_nothing_ever():
    trust = Trust(secret=NEW, old_secrets=(OLD,))
    headers, args = _internal(NEW)
    assert trust.caller(headers, NOW, "signal", "wf", "instruction", args).kind == (
        CallerKind.INTERNAL
    )
    forged, args = _internal("a stranger's secret")
    for replaying in (False, True):
        caller = trust.caller(forged, NOW, "signal", "wf", "instruction", args, replaying=replaying)
        assert caller.kind == CallerKind.REFUSED


def test_the_settings_carry_the_old_secrets_to_the_workers():
    from config.settings import load_settings

    settings = load_settings(web={"secret": NEW, "old_secrets": [OLD, "older still"]})
    trust = trust_of(settings)
    assert (trust.secret, trust.old_secrets) == (NEW, (OLD, "older still"))
