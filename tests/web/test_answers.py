"""Answering from the message (`mieux web`): each answer kind moves the Action through the
same update the CLI sends; every refusal changes nothing. The ASGI app runs in-process
against a real worker on the time-skipping server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from glossary import Stage
from glossary.answers import AnswerStep, AnswerToken, sign
from tests.web.support import SECRET, first_to, links, start, token_of, web_client
from tests.workflows.support import (
    Outbox,
    Sent,
    accept,
    action_input,
    activity,
    activity_plan,
    confirm_all,
    days,
    invited,
    running_worker,
    sample_fiche,
    status_of,
    to_implementation,
    until,
    vote,
)


async def _mobilising(env, task_queue, outbox):
    today = (await env.get_current_time()).date()
    handle = await start(env.client, task_queue, action_input())
    await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
    status = await until(handle, lambda s: len(invited(s, 1)) == 2)
    return handle, status


async def test_an_expert_confirms_from_the_invitation_with_one_click_and_one_button(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, status = await _mobilising(env, task_queue, outbox)
        invitation = first_to(outbox, "invitation", "expert")
        expert = invitation.notice.to.id
        link = links(invitation)
        assert set(link) == {"confirm", "decline"}

        page = await web.get(link["confirm"])
        assert page.status_code == 200
        assert "MIEUX 2026-01" in page.text
        assert "your participation as an expert in activity 1: workshop" in page.text
        assert expert not in page.text.split("<form")[0]  # no roster code in what they read
        assert "<button" in page.text and page.headers["referrer-policy"] == "same-origin"

        done = await web.post(link["confirm"], data={"token": token_of(link["confirm"])})
        assert done.status_code == 200
        view = activity(await status_of(handle), 1)
        when = f"{view.start.day}-{view.end.day} {view.end:%B %Y}"
        assert f"Thank you: your confirmation for the workshop in Nairobi, {when}" in done.text
        status = await until(
            handle,
            lambda s: any(
                e.expert_id == expert and e.state == "confirmed" for e in activity(s, 1).experts
            ),
        )
        assert status.audit[-1].by == expert

        again = await web.post(link["confirm"], data={"token": token_of(link["confirm"])})
        assert again.status_code == 409
        assert "already recorded" in again.text
        assert (await status_of(handle)).audit == status.audit


async def test_a_decline_needs_a_reason_and_moves_to_the_next_candidate(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, status = await _mobilising(env, task_queue, outbox)
        invitation = first_to(outbox, "invitation", "focal_point")
        decline = links(invitation)["decline"]
        expert = invitation.notice.answer.subject

        page = await web.get(decline)
        assert 'name="reason"' in page.text and "required" in page.text
        empty = await web.post(decline, data={"token": token_of(decline), "reason": "  "})
        assert empty.status_code == 400
        assert (await status_of(handle)).audit == status.audit

        done = await web.post(decline, data={"token": token_of(decline), "reason": "on leave"})
        assert done.status_code == 200 and "your decline" in done.text
        after = await until(handle, lambda s: expert not in invited(s, 1))
    assert after.audit[-1].detail.startswith(f"{expert} declined (on leave)")


async def test_tampered_expired_and_foreign_links_are_refused_and_change_nothing(
    time_skipping_env, task_queue, caplog
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, status = await _mobilising(env, task_queue, outbox)
        invitation = first_to(outbox, "invitation", "expert")
        good = links(invitation)["confirm"]
        token = token_of(good)
        body, signature = token.split(".")
        tampered = f"{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
        real = AnswerToken.for_notice(
            "2026-01", invitation.notice.to.id, invitation.notice.answer, datetime.now(UTC)
        )
        expired = sign(real.model_copy(update={"expires": datetime.now(UTC)}), SECRET)
        foreign = sign(real, "another deployment's secret")
        for bad in (tampered, expired, foreign, "not-a-token"):
            page = await web.get(f"/answer/{bad}/confirm")
            assert page.status_code == 403, bad
            post = await web.post(f"/answer/{bad}/confirm", data={"token": bad})
            assert post.status_code == 403
            assert "This link is not valid" in post.text
            assert bad not in caplog.text  # the credential never reaches the log
        assert "answer link refused (bad signature)" in caplog.text
        assert "answer link refused (expired)" in caplog.text
        assert (await status_of(handle)).audit == status.audit


async def test_a_form_posted_from_another_site_is_refused(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, status = await _mobilising(env, task_queue, outbox)
        link = links(first_to(outbox, "invitation", "expert"))["confirm"]
        foreign = await web.post(
            link, data={"token": token_of(link)}, headers={"origin": "https://evil.example"}
        )
        wrong_token = await web.post(link, data={"token": "x"})
        assert (foreign.status_code, wrong_token.status_code) == (403, 403)
        assert (await status_of(handle)).audit == status.audit


async def test_too_many_requests_for_one_link_are_refused(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        await _mobilising(env, task_queue, outbox)
        link = links(first_to(outbox, "invitation", "expert"))["decline"]
        codes = [(await web.get(link)).status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


async def test_the_eudel_answers_the_consultation_and_a_psg_member_votes(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle = await start(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await until(handle, lambda _: bool(outbox.matching("consultation")))
        consult = links(first_to(outbox, "consultation", "ec_services"))
        assert set(consult) == {"no-objection", "objection"}
        done = await web.post(
            consult["no-objection"], data={"token": token_of(consult["no-objection"])}
        )
        assert done.status_code == 200
        assert (
            "Thank you: no objection from the European Commission services to the Action Fiche"
            in done.text
        )
        await until(handle, lambda s: s.stage == Stage.PSG_REVIEW)
        # An answer after the consultation closed: recorded and passed to the officer.
        late = await web.post(
            consult["objection"],
            data={"token": token_of(consult["objection"]), "comments": "too late"},
        )
        assert late.status_code == 200
        assert "Your comments arrived after the consultation had closed" in late.text
        assert "Claire Martin, the project officer, has been told" in late.text
        told = await until(handle, lambda _: bool(outbox.matching("late_answer")))
        assert told.stage == Stage.PSG_REVIEW
        assert told.audit[-1].detail.startswith("late comment from EC services")
        [notice] = outbox.matching("late_answer")
        assert notice.notice.to.id == "po.martin"
        assert notice.notice.details == ["From EC services: objection: too late"]

        await until(handle, lambda _: len(outbox.matching("vote_request")) == 3)
        request = next(
            s for s in outbox.matching("vote_request") if s.notice.to.role == "psg:DG_HOME"
        )
        revise = links(request)["revise"]
        done = await web.post(
            revise, data={"token": token_of(revise), "comment": "dates clash with elections"}
        )
        assert (
            done.status_code == 200
            and "the vote of DG Migration and Home Affairs (DG HOME)" in done.text
        )
        status = await until(handle, lambda s: s.stage == Stage.FICHE_DRAFTING)
    [cast] = status.psg_votes
    assert (cast.member, cast.decision, cast.comment) == (
        "DG_HOME",
        "revise",
        "dates clash with elections",
    )


async def test_the_partner_answers_the_feedback_and_follow_up_questionnaires(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        today = (await env.get_current_time()).date()
        handle = await start(env.client, task_queue, action_input())
        await to_implementation(handle, activity_plan(today + timedelta(days=20), 1))
        await confirm_all(handle, [1])
        await env.sleep(days(24))
        await until(handle, lambda s: activity(s, 1).stage == "reporting")
        await handle.execute_update(
            "activity_completed", {"activity": 1, "participants": 20, "women": 9, "men": 11}
        )
        await until(handle, lambda s: activity(s, 1).stage == "evaluation")
        await handle.execute_update("evaluation_done", {"activity": 1, "scores": {"q": 4}})
        await until(handle, lambda s: s.stage == Stage.COMPLETION)
        # The partner validates the deliverables from the request's own link (issue 21.2).
        request = await until(handle, lambda _: bool(outbox.matching("validation_request")))
        assert request.stage == Stage.COMPLETION
        validate = links(outbox.matching("validation_request")[0])["validate"]
        page = await web.get(validate)
        assert "Validation of the deliverables" in page.text and 'name="comment"' in page.text
        done = await web.post(
            validate, data={"token": token_of(validate), "comment": "the draft law is ready"}
        )
        assert done.status_code == 200
        assert "your validation of the deliverables is recorded" in done.text
        questionnaire = first_to(outbox, "questionnaire", "partner_focal_point")
        assert questionnaire.notice.answer.step == AnswerStep.FEEDBACK
        answer = links(questionnaire)["answer"]
        page = await web.get(answer)
        assert 'name="rating"' in page.text
        bad = await web.post(answer, data={"token": token_of(answer), "rating": "six"})
        assert bad.status_code == 400
        done = await web.post(
            answer, data={"token": token_of(answer), "rating": "4", "comment": "very useful"}
        )
        assert done.status_code == 200
        await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
        await env.sleep(days(181))
        await until(handle, lambda _: len(outbox.matching("questionnaire")) == 2)
        follow_up = links(outbox.matching("questionnaire")[-1])["answer"]
        done = await web.post(
            follow_up,
            data={"token": token_of(follow_up), "adopted": "yes", "adoption": "decree 12/2027"},
        )
        assert done.status_code == 200
        result = await handle.result()
    assert result.stage == Stage.CLOSED
    assert result.outcome == "closed; adopted: decree 12/2027"
    assert any(e.command == "feedback_received" and e.by == "partner-2026-01" for e in result.audit)
    assert any(
        e.command == "deliverables_validated" and e.by == "partner-2026-01" for e in result.audit
    )


async def test_psg_reminders_to_non_voters_carry_the_vote_links(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
        await vote(handle, "DG_INTPA")
        await env.sleep(days(5.5))
        await until(handle, lambda _: bool(outbox.matching("reminder", "psg")))
    for reminder in outbox.matching("reminder", "psg"):
        assert set(links(reminder)) == {"approve", "reject", "revise"}
        assert reminder.notice.answer.subject == reminder.notice.to.role.removeprefix("psg:")


async def test_a_link_of_an_earlier_round_says_the_question_is_closed_and_changes_nothing(
    time_skipping_env, task_queue
):
    """Issue 20: a link answers its own PSG round or Fiche version, never a later one."""
    from worker.proof import Trust

    env, outbox = time_skipping_env, Outbox()
    async with (
        running_worker(env, task_queue, outbox, trust=Trust(secret=SECRET)),
        web_client(env.client, task_queue) as web,
    ):
        handle = await start(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await until(handle, lambda _: bool(outbox.matching("consultation")))
        v1 = links(first_to(outbox, "consultation", "ec_services"))
        await web.post(v1["no-objection"], data={"token": token_of(v1["no-objection"])})
        await until(handle, lambda _: len(outbox.matching("vote_request")) == 3)
        round_one = links(first_to(outbox, "vote_request", "psg:DG_HOME"))
        done = await web.post(
            round_one["revise"], data={"token": token_of(round_one["revise"]), "comment": "dates"}
        )
        assert done.status_code == 200
        await until(handle, lambda s: s.stage == Stage.FICHE_DRAFTING)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await until(handle, lambda s: s.stage == Stage.CONSULTATION)

        page = await web.get(v1["objection"])
        assert page.status_code == 410
        assert "This question is closed: the link was for the consultation on Action Fiche v1" in (
            page.text
        )
        posted = await web.post(
            v1["objection"], data={"token": token_of(v1["objection"]), "comments": "late"}
        )
        assert posted.status_code == 409 and "This question is closed" in posted.text
        assert (await status_of(handle)).stage == Stage.CONSULTATION

        await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
        await until(handle, lambda s: s.stage == Stage.PSG_REVIEW)
        page = await web.get(round_one["approve"])
        assert page.status_code == 410 and "the PSG vote (round 1)" in page.text
        posted = await web.post(
            round_one["approve"], data={"token": token_of(round_one["approve"])}
        )
        assert posted.status_code == 409
        status = await status_of(handle)
        assert [(v.round, v.member) for v in status.psg_votes] == [(1, "DG_HOME")]


async def test_a_focal_point_and_a_late_expert_read_plain_words_and_whom_to_write_to(
    time_skipping_env, task_queue
):
    """Issue 21: the focal point was asked "Why you cannot take part"; a late expert read
    "expert EX-FR-02 was not invited to activity 1 (awaiting: EX-JO-01)"."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, _ = await _mobilising(env, task_queue, outbox)
        to_focal_point = first_to(outbox, "invitation", "focal_point")
        decline = links(to_focal_point)["decline"]
        page = await web.get(decline)
        assert "Why the expert cannot take part" in page.text
        assert "Why you cannot take part" not in page.text
        assert "the participation of the expert you nominated in activity 1" in page.text
        expert = to_focal_point.notice.answer.subject
        await handle.execute_update(
            "expert_response",
            {"activity": 1, "expert_id": expert, "confirmed": False, "reason": "ill"},
        )
        await until(handle, lambda s: expert not in invited(s, 1))
        to_expert = next(s for s in outbox.matching("invitation") if s.notice.to.id == expert)
        late = links(to_expert)["confirm"]
        answered = await web.post(late, data={"token": token_of(late)})
    assert answered.status_code == 409
    said = answered.text.split('id="outcome">')[1].split("</p>")[0]
    assert said == (
        "This invitation is no longer open: the answer came after its deadline, and the place"
        " has been offered to another expert. Please write to Claire Martin"
        " (po.martin@mieux.example.org), the project officer of this Action."
    )


def test_the_rate_limiter_stays_bounded_whatever_junk_it_sees():
    """Issue 22 (6): 120,000 junk links grew the web service by 79 MiB, never freed."""
    from web.answers import RateLimit

    limit = RateLimit(limit=2, window=600.0, most=1000)
    for n in range(120_000):
        assert limit.allow(f"junk-{n}")
    assert len(limit) == 1000
    assert limit.allow("a link") and limit.allow("a link")
    assert not limit.allow("a link")  # the third within the window


async def test_one_client_trying_many_links_is_refused_with_429(time_skipping_env, task_queue):
    async with web_client(time_skipping_env.client, task_queue) as web:
        answers = [(await web.get(f"/answer/junk{n}.x/confirm")).status_code for n in range(305)]
    assert answers[:300] == [403] * 300
    assert set(answers[300:]) == {429}


async def test_an_experts_confirm_and_their_focal_points_decline_in_one_moment_one_wins(
    time_skipping_env, task_queue
):
    """Issue 22 (9): both pages said "recorded"; the audit said declined, the expert stayed
    confirmed. Now the second answer is refused and its page says so."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        handle, _ = await _mobilising(env, task_queue, outbox)
        to_expert = first_to(outbox, "invitation", "expert")
        expert = to_expert.notice.to.id

        def focal_points_invitations() -> list[Sent]:
            return [
                s
                for s in outbox.matching("invitation")
                if s.notice.to.role == "focal_point" and s.notice.answer.subject == expert
            ]

        # Each notice is delivered on its own (0.6): the focal point's may come a moment later.
        await until(handle, lambda _: bool(focal_points_invitations()))
        to_focal_point = focal_points_invitations()[0]
        confirm = links(to_expert)["confirm"]
        decline = links(to_focal_point)["decline"]
        first = await web.post(confirm, data={"token": token_of(confirm)})
        second = await web.post(decline, data={"token": token_of(decline), "reason": "busy"})
        status = await until(
            handle,
            lambda s: any(
                e.expert_id == expert and e.state != "invited" for e in activity(s, 1).experts
            ),
        )
    assert first.status_code == 200 and second.status_code == 409
    said = second.text.split('id="outcome">')[1].split("</p>")[0]
    assert said.startswith("An answer to this invitation is already recorded") or said.startswith(
        "This invitation is no longer open"
    )
    states = {e.expert_id: e.state for e in activity(status, 1).experts}
    assert states[expert] == "confirmed"
    answers = [e for e in status.audit if e.command == "expert_response" and e.accepted]
    assert [e.by for e in answers] == [expert]
