"""Follow-up questions: thread replies under sitrep's posts and @sitrep mentions, routed
with their context, answered once however often Slack delivers them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import OperationalError

from bot.app import build_app
from digests.answer_processes import AnswerProcesses
from digests.documents import load_sources
from digests.ingest import ingest
from digests.store.posts import find_thread_post

BOT = "U0SITREP"  # the stand-in's bot user


def _post_digest(bot) -> str:
    assert "Posted" in bot.ask("/digest", "now")
    [digest] = bot.slack.top_level("C0DIGEST")
    return digest.ts


def _message(text: str, *, ts: str, thread_ts: str | None = None, **extra) -> dict:
    event = {"type": "message", "channel": "C0DIGEST", "user": "U0READER", "text": text, "ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {**event, **extra}


def _replies_from_sitrep(bot, thread_ts: str) -> list:
    return [m for m in bot.slack.thread("C0DIGEST", thread_ts) if m.user == BOT]


def test_reply_in_a_digest_thread_is_routed_to_its_digest(bot, as_slack) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))  # the digest's own thread replies
    response = bot.event(_message("who said that?", ts="1900000000.000100", thread_ts=digest_ts))
    assert response.status == 200
    replies = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already:])
    [answer] = replies
    # "that" is the digest's first claim: the Taliban dismissing the UN's reports.
    assert answer.text.startswith(":bulb: Taliban")
    assert "propaganda" in answer.text
    assert "> While the Taliban has dismissed" in answer.text  # the sentence, quoted
    assert answer.unfurl_links is False


def test_the_same_event_redelivered_is_answered_once(bot, as_slack) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))
    event = _message("source?", ts="1900000000.000200", thread_ts=digest_ts)
    bot.event(event, event_id="Ev0SAME")
    as_slack.wait_for(lambda: len(_replies_from_sitrep(bot, digest_ts)) > already)
    assert bot.event(event, event_id="Ev0SAME", retry=1).status == 200
    assert bot.event(event, event_id="Ev0SAME", retry=2).status == 200
    bot.event(_message("is that disputed?", ts="1900000000.000300", thread_ts=digest_ts))
    as_slack.wait_for(lambda: len(_replies_from_sitrep(bot, digest_ts)) >= already + 2)
    first, second = _replies_from_sitrep(bot, digest_ts)[already:]
    assert "as reported by" in first.text  # "source?"
    assert "Yes, disputed: Taliban" in second.text  # "is that disputed?", answered once


def test_mention_anywhere_is_answered_in_its_thread_and_then_followed(bot, as_slack) -> None:
    bot.event(
        {
            "type": "app_mention",
            "channel": "C0DIGEST",
            "user": "U0READER",
            "text": f"<@{BOT}> who says India backs the BLA?",
            "ts": "1900000000.000400",
        }
    )
    [answer] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, "1900000000.000400"))
    assert answer.text.startswith(":bulb: Shafqat Ali Khan (Foreign Office spokesperson")
    assert "India has been backing Baloch insurgents" in answer.text
    assert f"<@{BOT}>" not in answer.text
    # Recorded just after it is posted: then the thread is known to be sitrep's.
    as_slack.wait_for(lambda: find_thread_post(bot.store, "C0DIGEST", "1900000000.000400"))
    # A plain reply in that thread is now a follow-up about sitrep's answer.
    bot.event(_message("is that disputed?", ts="1900000000.000500", thread_ts="1900000000.000400"))
    replies = as_slack.wait_for(lambda: _replies_from_sitrep(bot, "1900000000.000400")[1:])
    assert "India has been backing Baloch insurgents" in replies[0].text
    assert "No stored document disputes it" in replies[0].text


def test_ignored_messages(bot) -> None:
    digest_ts = _post_digest(bot)
    before = len(bot.slack.posted("C0DIGEST"))
    ignored = [
        _message("not in a thread", ts="1900000000.000600"),
        _message("someone else's thread", ts="1900000000.000700", thread_ts="1800000000.000001"),
        _message("a bot", ts="1900000000.000800", thread_ts=digest_ts, bot_id="B0OTHER"),
        _message("edited", ts="1900000000.000900", thread_ts=digest_ts, subtype="message_changed"),
        # Mentions sitrep: the app_mention event answers it, not this one.
        _message(f"<@{BOT}> hi", ts="1900000000.001000", thread_ts=digest_ts),
    ]
    for event in ignored:
        assert bot.event(event).status == 200
    import time

    time.sleep(0.5)  # give a wrong answer time to arrive
    assert len(bot.slack.posted("C0DIGEST")) == before


def test_hostile_question_is_escaped_in_the_answer(bot, as_slack) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))
    hostile = "<!channel> see <https://evil.example|bbc.com> & more"
    bot.event(_message(hostile, ts="1900000000.001100", thread_ts=digest_ts))
    [answer] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already:])
    assert "<!channel>" not in answer.text and "<https://evil" not in answer.text
    assert "&lt;!channel&gt;" in answer.text
    assert "I can't answer" in answer.text


def test_the_second_one_and_a_question_the_documents_cannot_answer(bot, as_slack) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))
    bot.event(_message("who said the second one?", ts="1900000000.001200", thread_ts=digest_ts))
    [second] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already:])
    assert not second.text.startswith(":bulb: Taliban")  # not the first claim again
    assert second.text.startswith(":bulb: ")
    bot.event(
        _message("how many fighters does boko haram have?", ts="1900000000.001300",
                 thread_ts=digest_ts)
    )
    replies = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already + 1 :])
    assert "I can't answer “how many fighters does boko haram have?”" in replies[0].text


def test_an_answer_that_fails_says_so_in_the_thread(bot, as_slack, monkeypatch) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))

    def broken(*args, **kwargs):
        raise RuntimeError("the store went away")

    monkeypatch.setattr("bot.listeners.threads.answer_follow_up", broken)
    bot.event(_message("who said that?", ts="1900000000.001400", thread_ts=digest_ts))
    [reply] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already:])
    assert "Sorry, answering that failed on sitrep's side" in reply.text
    assert "the store went away" not in reply.text  # details go to the log, not the channel


def test_a_store_too_busy_to_record_the_question_still_answers_it(
    bot, as_slack, monkeypatch
) -> None:
    digest_ts = _post_digest(bot)
    already = len(_replies_from_sitrep(bot, digest_ts))

    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    # Neither the event nor the answer can be written: the question is answered all the same.
    monkeypatch.setattr("bot.listeners.threads.first_time", locked)
    monkeypatch.setattr("bot.listeners.threads.record_post", locked)
    bot.event(_message("source?", ts="1900000000.001500", thread_ts=digest_ts))
    [reply] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, digest_ts)[already:])
    assert "as reported by" in reply.text


def test_a_question_asked_again_after_new_documents_is_answered_from_them(
    bot, as_slack, extractor, tmp_path
) -> None:
    def ask(ts: str) -> str:
        bot.event(
            {
                "type": "app_mention",
                "channel": "C0DIGEST",
                "user": "U0READER",
                "text": f"<@{BOT}> how many fighters does Boko Haram have?",
                "ts": ts,
            }
        )
        [answer] = as_slack.wait_for(lambda: _replies_from_sitrep(bot, ts))
        return answer.text

    assert "I can't answer" in ask("1900000000.001500")
    report = tmp_path / "boko-haram.txt"
    report.write_text(
        "Boko Haram strength\n\nBoko Haram has about 4,000 fighters in the Lake Chad basin, "
        "according to a UN monitoring report published on Monday.\n",
        encoding="utf-8",
    )
    summary = ingest(bot.store, load_sources([str(report)], max_bytes=100_000), extractor=extractor)
    assert summary.ingested == 1
    answer = ask("1900000000.001600")
    assert "4,000" in answer
    assert "Boko Haram strength" in answer  # the new document, cited


def test_questions_worked_out_by_answering_processes_reach_their_threads(
    bot, as_slack, extractor, monkeypatch
) -> None:
    """As `sitrep serve` runs: answers worked out in a child process, at a lower priority."""

    def not_here(*args, **kwargs):
        raise AssertionError("worked out in the web process")

    # Only the parent's: the spawned child imports its own.
    monkeypatch.setattr("digests.follow_ups.work_out_reply", not_here)
    settings = bot.settings.model_copy(update={"database_url": bot.store.url})
    answers = AnswerProcesses(settings, processes=1, niceness=5, timeout=60)
    try:
        served = replace(bot, app=build_app(settings, bot.store, extractor, answers=answers))
        digest_ts = _post_digest(served)
        already = len(_replies_from_sitrep(served, digest_ts))
        served.event(_message("source?", ts="1900000000.001700", thread_ts=digest_ts))
        served.event(
            {
                "type": "app_mention",
                "channel": "C0DIGEST",
                "user": "U0READER",
                "text": f"<@{BOT}> who says India backs the BLA?",
                "ts": "1900000000.001800",
            }
        )
        [source] = as_slack.wait_for(
            lambda: _replies_from_sitrep(served, digest_ts)[already:], timeout=60
        )
        assert "as reported by" in source.text
        [mention] = as_slack.wait_for(
            lambda: _replies_from_sitrep(served, "1900000000.001800"), timeout=60
        )
        assert mention.text.startswith(":bulb: Shafqat Ali Khan")
    finally:
        answers.close()
