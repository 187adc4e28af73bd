"""Personal data is encrypted in payloads when a key is set (DOMAIN.md §5)."""

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.worker import Worker

from config import SettingsError, load_settings
from glossary import Stage
from tests.workflows.support import (
    Outbox,
    action_input,
    demo_roster_copy,
    roster_activities,
    status_of,
)
from worker.codec import EncryptionCodec, data_converter, new_key
from worker.main import WORKFLOWS
from workflows.action_lifecycle import ActionLifecycle


async def test_the_codec_round_trips_and_leaves_nothing_readable():
    codec = data_converter(new_key()).payload_codec
    assert isinstance(codec, EncryptionCodec)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"email":"a@b.example"}')
    [sealed] = await codec.encode([plain])
    assert b"a@b.example" not in sealed.data
    assert sealed.metadata["encoding"] == b"binary/encrypted"
    assert await codec.decode([sealed]) == [plain]


async def test_an_action_runs_with_encrypted_payloads_and_its_history_hides_the_partner(
    time_skipping_env, task_queue, tmp_path
):
    env = time_skipping_env
    encrypted = Client(
        env.client.service_client,
        namespace=env.client.namespace,
        data_converter=data_converter(new_key()),
    )
    input = action_input()
    partner = input.request.partner_focal_point.email.encode()
    outbox = Outbox()
    activities = outbox.activities() + roster_activities(demo_roster_copy(tmp_path))
    async with Worker(encrypted, task_queue=task_queue, workflows=WORKFLOWS, activities=activities):
        handle = await encrypted.start_workflow(
            ActionLifecycle.run, input, id=f"action-enc-{task_queue}", task_queue=task_queue
        )
        await handle.execute_update("intake_decision", {"decision": "accept"})
        status = await status_of(handle)
        history = await handle.fetch_history()
        plain_view = await env.client.get_workflow_handle(handle.id).fetch_history()
    assert status.stage == Stage.FICHE_DRAFTING
    assert partner in input.model_dump_json().encode()
    assert partner not in history.to_json().encode()
    assert partner not in plain_view.to_json().encode()


def test_a_bad_payload_key_stops_start_up_with_one_line(monkeypatch):
    monkeypatch.setenv("MIEUX_TEMPORAL__PAYLOAD_KEY", "not-a-key")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value) == (
        "invalid setting temporal.payload_key (MIEUX_TEMPORAL__PAYLOAD_KEY): "
        "must be base64 of 32 random bytes"
    )


async def test_a_key_rotation_keeps_old_histories_readable_and_seals_with_the_new_key(
    local_env, task_queue, tmp_path
):
    """Issue 22 (5), docs/deployment.md's rotation: an Action started under key 1 goes on,
    and is read, on workers that seal with key 2 and keep key 1 to open its history."""
    env = local_env  # the real dev server: a worker replaced mid-Action, as in a deployment
    first, second = new_key(), new_key()

    def client(converter):
        return Client(
            env.client.service_client, namespace=env.client.namespace, data_converter=converter
        )

    before = client(data_converter(first, "mieux-1"))
    after = client(data_converter(second, "mieux-2", old_keys={"mieux-1": first}))
    outbox = Outbox()
    activities = outbox.activities() + roster_activities(demo_roster_copy(tmp_path))
    async with Worker(before, task_queue=task_queue, workflows=WORKFLOWS, activities=activities):
        handle = await before.start_workflow(
            ActionLifecycle.run, action_input(), id=f"rotation-{task_queue}", task_queue=task_queue
        )
        assert (await status_of(handle)).stage == Stage.INTAKE
    async with Worker(
        after,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities,  # a new worker: its first task replays the key-1 history
    ):
        rotated = after.get_workflow_handle(handle.id)
        await rotated.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
        status = await rotated.query(ActionLifecycle.status)
        history = await rotated.fetch_history()
    assert status.stage == Stage.FICHE_DRAFTING

    def payloads(event):
        accepted = event.workflow_execution_update_accepted_event_attributes.accepted_request
        return event.workflow_execution_started_event_attributes.input.payloads or (
            accepted.input.args.payloads
        )

    ids = {p.metadata.get("encryption-key-id") for e in history.events for p in payloads(e)}
    assert {b"mieux-1", b"mieux-2"} <= ids


async def test_a_payload_sealed_with_another_key_of_the_same_id_says_which_key_is_wrong():
    mine = data_converter(new_key(), "mieux-1").payload_codec
    theirs = data_converter(new_key(), "mieux-1").payload_codec
    [sealed] = await theirs.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"{}")])
    with pytest.raises(ValueError, match="payload key 'mieux-1' here is not the one that sealed"):
        await mine.decode([sealed])
