"""The board and case pages (visibility on the real dev server), staff-only access, and the
codec endpoint as the Temporal UI calls it (CORS preflight, bearer token, round trip)."""

from __future__ import annotations

import base64
import html
import json
import re
import uuid

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from config.settings import MieuxSettings, TemporalSettings, WebSettings
from tests.web.support import BASE, SECRET, start, web_client
from tests.workflows.support import Outbox, accept, action_input, running_worker, until
from web.app import create_app
from worker.codec import EncryptionCodec, new_key


async def test_the_board_lists_open_actions_with_their_stage_and_filters(
    local_env: WorkflowEnvironment, task_queue: str
):
    env, outbox = local_env, Outbox()
    # The dev server is shared by the session's tests: references of this test only.
    year = 3000 + uuid.uuid4().int % 5000
    first, second = f"{year}-01", f"{year}-02"
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        one = await start(env.client, task_queue, action_input(first))
        two = await start(env.client, task_queue, action_input(second, region="Central Asia"))
        await accept(two)
        await until(one, lambda s: s.stage == "intake")

        async def listed(query: str) -> str | None:
            page = await web.get(f"/board{query}")
            assert page.status_code == 200
            return page.text if first in page.text or second in page.text else None

        everything = await _eventually(lambda: listed(""), lambda t: first in t and second in t)
        assert "Kenya III" in everything and "Action Fiche drafting" in everything
        assert f"/actions/{first}" in everything
        assert f"/namespaces/default/workflows/action-{first}" in everything
        drafting = await _eventually(lambda: listed("?stage=fiche_drafting"), lambda t: second in t)
        assert first not in drafting
        by_region = await web.get("/board?region=Central%20Asia")
        assert second in by_region.text and first not in by_region.text
        bad = await web.get("/board?stage=nonsense")
        assert bad.status_code == 400 and "is not a stage" in bad.text

        case = await web.get(f"/actions/{second}")
        assert case.status_code == 200
        assert "Action Fiche drafting" in case.text and "intake decision" in case.text
        missing = await web.get(f"/actions/{year}-99")
        assert missing.status_code == 404


async def _eventually(read, holds, attempts: int = 100):
    """Visibility is eventually consistent: poll the page until it shows what was done."""
    import asyncio

    for _ in range(attempts):
        text = await read()
        if text is not None and holds(text):
            return text
        await asyncio.sleep(0.1)
    raise AssertionError("the board never showed it")


async def test_the_board_is_for_staff_only(local_env, task_queue):
    env = local_env
    settings = MieuxSettings(
        task_queue=task_queue,
        web=WebSettings(secret=SECRET, base_url=BASE, staff_token="staff-only-token"),
    )
    app = create_app(settings, env.client)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as web:
        assert (await web.get("/board")).status_code == 403
        assert (await web.get("/board?token=wrong")).status_code == 403
        allowed = await web.get("/board", headers={"authorization": "Bearer staff-only-token"})
        assert allowed.status_code == 200


def _payloads_json(*payloads: Payload) -> str:
    return json.dumps(
        {
            "payloads": [
                {
                    "metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                    "data": base64.b64encode(p.data).decode(),
                }
                for p in payloads
            ]
        }
    )


async def test_the_codec_endpoint_decodes_what_the_workers_encrypted(time_skipping_env):
    key = new_key()
    settings = MieuxSettings(
        temporal=TemporalSettings(payload_key=key),
        web=WebSettings(
            secret=SECRET, base_url=BASE, codec_token="ui-token", ui_origin="http://ui.test"
        ),
    )
    app = create_app(settings, time_skipping_env.client)
    from config.settings import decode_payload_key

    codec = EncryptionCodec({"mieux-1": decode_payload_key(key)}, "mieux-1")
    clear = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name":"Kenya III"}')
    [sealed] = await codec.encode([clear])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as web:
        preflight = await web.options(
            "/codec/decode",
            headers={
                "origin": "http://ui.test",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type,x-namespace,authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://ui.test"
        assert "x-namespace" in preflight.headers["access-control-allow-headers"]

        body = _payloads_json(sealed)
        headers = {"content-type": "application/json", "x-namespace": "default"}
        refused = await web.post("/codec/decode", content=body, headers=headers)
        assert refused.status_code == 401

        headers["authorization"] = "Bearer ui-token"
        decoded = await web.post("/codec/decode", content=body, headers=headers)
        assert decoded.status_code == 200
        [payload] = decoded.json()["payloads"]
        assert base64.b64decode(payload["data"]) == b'{"name":"Kenya III"}'

        encoded = await web.post("/codec/encode", content=_payloads_json(clear), headers=headers)
        [again] = encoded.json()["payloads"]
        assert base64.b64decode(again["metadata"]["encoding"]) == b"binary/encrypted"
        assert b"Kenya" not in base64.b64decode(again["data"])

        junk = await web.post("/codec/decode", content="{not json", headers=headers)
        assert junk.status_code == 400


async def test_mieux_links_prints_the_temporal_ui_views_management_uses(monkeypatch, capsys):
    from urllib.parse import parse_qs, urlsplit

    from starter.cli import run_async

    monkeypatch.setenv("MIEUX_WEB__UI_URL", "http://ui.example:8080")
    assert await run_async(["links"]) == 0
    out = capsys.readouterr().out
    urls = {line.split()[-1] for line in out.splitlines() if "http" in line}
    queries = [parse_qs(urlsplit(u).query)["query"][0] for u in urls]
    assert all(
        u.startswith("http://ui.example:8080/namespaces/default/workflows?query=") for u in urls
    )
    assert any("MieuxStage = 'psg_review'" in q for q in queries)
    assert any("MieuxOnHold = true" in q for q in queries)
    assert any("MieuxNextDue < '" in q for q in queries)
    assert any("MieuxRegion = 'Central Asia'" in q for q in queries)
    assert any("MieuxProjectOfficer = 'po.martin'" in q for q in queries)
    assert all("ExecutionStatus = 'Running'" in q for q in queries)
    assert "Overdue" in out and "By officer" in out


async def test_signed_in_the_codec_decodes_for_staff_and_refuses_strangers(time_skipping_env):
    """Issue 20: no codec token and no loopback privilege once staff sign in; a bearer
    token the provider signed for a member of the directory is what decodes."""
    from config.settings import AuthSettings, decode_payload_key
    from tests.oidc_provider import other_key_token, running_provider, signed_token

    key = new_key()
    codec = EncryptionCodec({"mieux-1": decode_payload_key(key)}, "mieux-1")
    clear = Payload(metadata={"encoding": b"json/plain"}, data=b'{"email":"focal@example.ke"}')
    [sealed] = await codec.encode([clear])
    body = _payloads_json(sealed)
    with running_provider() as provider:
        settings = MieuxSettings(
            temporal=TemporalSettings(payload_key=key),
            web=WebSettings(secret=SECRET, base_url=BASE),
            auth=AuthSettings(issuer=provider.issuer, client_secret="web-client"),
        )
        app = create_app(settings, time_skipping_env.client)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as web:
            answers = {}
            for who, token in {
                "anonymous": None,
                "a stranger": signed_token(provider, "intern.bob"),
                "another key": other_key_token(provider, "pm.rossi"),
                "the manager": signed_token(provider, "pm.rossi"),
            }.items():
                headers = {"content-type": "application/json"}
                if token:
                    headers["authorization"] = f"Bearer {token}"
                answers[who] = await web.post("/codec/decode", content=body, headers=headers)
            board = await web.get("/board")
            case = await web.get("/actions/2026-01")
    assert {who: r.status_code for who, r in answers.items()} == {
        "anonymous": 401,
        "a stranger": 401,
        "another key": 401,
        "the manager": 200,
    }
    assert b"focal@example.ke" not in answers["anonymous"].content
    [payload] = answers["the manager"].json()["payloads"]
    assert base64.b64decode(payload["data"]) == b'{"email":"focal@example.ke"}'
    # Loopback is no privilege once staff sign in: to the sign-in page.
    assert (board.status_code, case.status_code) == (303, 303)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/answer/%C3%A9/confirm", 403),  # a non-ASCII token
        ("/answer/" + "W" * 3000 + "." + "A" * 43 + "/confirm", 403),  # nested or huge
        ("/board?token=%C3%A9", 403),
        ("/health", 200),
    ],
)
async def test_hostile_tokens_are_refused_with_403_and_every_response_has_security_headers(
    time_skipping_env, path, expected
):
    """Issue 22 (11, 15): no 500 with a traceback for a non-ASCII or forged token, and the
    security headers on every response, /health and /codec included."""
    settings = MieuxSettings(web=WebSettings(secret=SECRET, base_url=BASE, staff_token="t"))
    app = create_app(settings, time_skipping_env.client)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as web:
        answer = await web.get(path)
        bearer = await web.get("/board", headers={"authorization": "Bearer été".encode("latin-1")})
        codec = await web.post("/codec/decode", content="{}")
    assert answer.status_code == expected
    assert bearer.status_code == 403
    for response in (answer, bearer, codec):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_the_case_page_names_people_and_steps_in_staff_words(time_skipping_env, task_queue):
    """Issue 21: `po.martin` and `intake_decision` in the case file, where people read."""
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()), web_client(env.client, task_queue) as web:
        handle = await start(env.client, task_queue, action_input())
        await accept(handle)
        page = await web.get("/actions/2026-01")
    assert page.status_code == 200
    officer = page.text.split("<dt>Officer</dt><dd>")[1].split("</dd>")[0]
    audit = page.text.split("Audit trail")[1]
    assert officer == "Claire Martin"
    assert "<td>Claire Martin</td><td>intake decision</td>" in audit
    assert "intake_decision" not in audit and "po.martin" not in audit


async def test_the_board_reads_visibility_alone_and_pages_by_fifty(local_env, task_queue):
    """Issue 24: names and whom each Action waits on come from the memo the Actions keep,
    not from one status query per Action: with no worker left to answer a query, the board
    still shows them; 55 open Actions make a page of 50 and a page of 5."""
    env = local_env
    year = 3000 + uuid.uuid4().int % 5000
    async with running_worker(env, task_queue, Outbox()):
        handles = [
            await start(
                env.client, task_queue, action_input(f"{year}-{n:02d}", name=f"Request {n}")
            )
            for n in range(1, 56)
        ]
        for handle in handles:
            await until(handle, lambda s: s.stage == "intake")
    # The worker has stopped: a status query would go unanswered.
    async with web_client(env.client, task_queue) as web:

        async def page(path: str) -> str:
            return (await web.get(path)).text

        first = await _eventually(
            lambda: page("/board"),
            lambda t: t.count(f"/actions/{year}-") == 50 and t.count("intake decision") == 50,
        )
        assert "Open Actions <small>(55, " in first and "Request 55" in first
        assert "status not readable" not in first
        following = re.search(r'href="(/board\?[^"]*page=[^"]+)" id="next-page"', first)
        assert following is not None
        second = await page(html.unescape(following.group(1)))
        assert second.count(f"/actions/{year}-") == 5 and "Request 1<" in second
        assert 'id="next-page"' not in second
        assert (await web.get("/board?page=%%%")).status_code == 400
