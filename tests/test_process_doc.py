"""The SOP is the code (issue 14): `docs/process.md` is `mieux process`'s output, and the
process table's transitions are the ones the recorded Actions went through."""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path

from glossary.names import Stage
from glossary.policy import Policy
from starter.process import markdown
from workflows.process import PROCESS, STAGE_OF_COMMAND, transitions

ROOT = Path(__file__).resolve().parent.parent
HISTORIES = ROOT / "tests" / "histories"

# Allowed by the process and not seen in a recorded history: no scenario records them yet,
# or the scenario passes the stage within one workflow task (its Fiche is resubmitted at
# once), which leaves no upsert of its own, and the Action did not end.
NOT_SEEN = {
    (Stage.INTAKE, Stage.FORWARDED),
    (Stage.PSG_REVIEW, Stage.REJECTED),
    (Stage.CONSULTATION, Stage.FICHE_DRAFTING),
    *(
        (rule.stage, Stage.WITHDRAWN)
        for rule in PROCESS
        # Withdrawn in completion: the activity_terminated_by_hand scenario.
        if rule.stage not in (Stage.IMPLEMENTATION, Stage.FICHE_DRAFTING, Stage.COMPLETION)
    ),
}


def test_the_process_page_is_the_output_of_mieux_process():
    page = (ROOT / "docs" / "process.md").read_text(encoding="utf-8")

    assert page == markdown(Policy()), "docs/process.md is stale: run `make process-doc`"


def _events(history: Path) -> list[dict]:
    return json.loads(history.read_text())["events"]


def _upserted_stages(history: Path) -> list[str]:
    """The stages of the MieuxStage upserts, in order. One upsert per workflow task: an
    Action that passes a stage within one task (accepted and its Fiche in at once) skips it."""
    stages: list[str] = []
    for event in _events(history):
        upsert = event.get("upsertWorkflowSearchAttributesEventAttributes")
        field = upsert and upsert["searchAttributes"]["indexedFields"].get("MieuxStage")
        if field:
            stage = json.loads(base64.b64decode(field["data"]))
            if not stages or stages[-1] != stage:
                stages.append(stage)
    return stages


def _registered_stages(history: Path) -> list[str]:
    """Every stage of an ended Action, from its record for the register of Actions."""
    for event in _events(history):
        scheduled = event.get("activityTaskScheduledEventAttributes")
        if scheduled and scheduled["activityType"]["name"] == "register_action":
            record = json.loads(base64.b64decode(scheduled["input"]["payloads"][0]["data"]))
            return [span["stage"] for span in record["status"]["stages"]]
    return []


def _moves(stages: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(stages))


def _reachable(allowed: set[tuple[str, str]], start: str, end: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for a, b in allowed:
            if a == here and b not in seen:
                if b == end:
                    return True
                seen.add(b)
                todo.append(b)
    return False


# The recorded scenarios of the current version (released/ holds older processes).
CURRENT = sorted(HISTORIES.glob("*.json"))


def test_every_stage_change_of_an_ended_action_is_one_the_process_allows():
    allowed = {(str(a), str(b)) for a, b in transitions()}
    registered = [_registered_stages(h) for h in CURRENT]
    moves = set().union(*(_moves(s) for s in registered))

    assert len([s for s in registered if s]) >= 4, "fewer ended Actions recorded than expected"
    assert moves - allowed == set()


def test_every_recorded_stage_change_follows_the_process_and_it_is_all_recorded():
    allowed = {(str(a), str(b)) for a, b in transitions()}
    upserted = set().union(*(_moves(_upserted_stages(h)) for h in CURRENT))
    registered = set().union(*(_moves(_registered_stages(h)) for h in CURRENT))

    assert upserted, "no MieuxStage upsert found in tests/histories"
    assert [m for m in upserted if not _reachable(allowed, *m)] == []
    seen = registered | (upserted & allowed)
    assert allowed - seen == {(str(a), str(b)) for a, b in NOT_SEEN}


def test_every_command_of_the_contract_has_its_place_in_the_process():
    from workflows.process import ANY_OPEN_STAGE

    contract = {
        "intake_decision", "submit_fiche", "consultation_feedback", "psg_vote",
        "expert_response", "nominate_expert", "activity_completed", "evaluation_done",
        "deliverables_validated", "feedback_received", "follow_up_received", "amend_plan",
        "extend_deadline", "hold", "resume", "withdraw",
    }  # fmt: skip

    assert set(STAGE_OF_COMMAND) | set(ANY_OPEN_STAGE) == contract
