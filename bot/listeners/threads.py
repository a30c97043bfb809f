"""Follow-up questions: replies in the thread of a sitrep post, and `@sitrep <question>`.

Both go to digests.follow_ups.answer_follow_up with what the thread belongs to (a
digest run, or an answer sitrep posted), and the answer goes into the thread. A
redelivered event (same event_id, X-Slack-Retry-Num) is answered once, across
processes, through digests.store.events.first_time.

Ignored: sitrep's own messages and other bots' (Bolt drops sitrep's own events too),
edits and deletions (message subtypes), messages outside threads, threads that are not
sitrep's, and thread replies that mention sitrep (the app_mention event answers those).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.services import Services
from digests.channel_settings import reply
from digests.follow_ups import (
    FollowUp,
    ThreadContext,
    answer_follow_up,
    question_text,
    thread_context,
)
from digests.store.events import first_time
from digests.store.posts import record_post

log = logging.getLogger("sitrep.slack")

# Message subtypes that are still a person writing in the thread.
_PERSON_WRITING = frozenset({None, "thread_broadcast", "file_share"})


def register(app: App, services: Services) -> None:
    def mention(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        on_mention(services, body, event, client)

    def message(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        on_thread_message(services, body, event, client, bot_user_id=context.bot_user_id)

    app.event("app_mention")(mention)
    app.event("message")(message)


def on_mention(
    services: Services, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """`@sitrep <question>` anywhere: answered in the thread it was asked in (or starts)."""
    if not _written_by_a_person(event):
        return
    channel_id = event["channel"]
    in_thread = event.get("thread_ts")
    context = thread_context(services.store, channel_id, in_thread) if in_thread else None
    _answer(services, body, event, client, context or ThreadContext())


def on_thread_message(
    services: Services,
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    *,
    bot_user_id: str | None,
) -> None:
    """A reply in a thread: a follow-up question when the thread is sitrep's."""
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts") or not _written_by_a_person(event):
        return
    if bot_user_id and f"<@{bot_user_id}" in (event.get("text") or ""):
        return  # the app_mention event for the same message answers it
    context = thread_context(services.store, event["channel"], thread_ts)
    if context is None:
        return  # a thread sitrep is not part of
    _answer(services, body, event, client, context)


def _answer(
    services: Services,
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: ThreadContext,
) -> None:
    event_id = body.get("event_id")
    if event_id and not _first_time(services, event_id):
        log.info("event %s was already answered (a redelivery)", event_id)
        return
    channel_id = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    team_id = body.get("team_id") or event.get("team") or ""
    follow_up = FollowUp(
        team_id=team_id,
        channel_id=channel_id,
        user_id=event.get("user", ""),
        question=question_text(event.get("text") or ""),
        thread_ts=thread_ts,
        context=context,
    )
    try:
        message = answer_follow_up(
            follow_up,
            store=services.store,
            settings=services.settings,
            actors=services.extractor.actors,
            environment=services.environment,
            results=services.results,
            work_out=services.answers.answer if services.answers else None,
        )
    except Exception:
        # Say so in the thread rather than leave the question hanging.
        log.exception("answering a follow-up in %s failed", channel_id)
        message = reply(services.environment, "something_went_wrong.j2", what="answering that")
    posted = client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts,
        unfurl_links=False,
        unfurl_media=False,
        **message.as_payload(),
    )
    try:
        record_post(
            services.store,
            team_id=team_id,
            channel_id=channel_id,
            ts=posted["ts"],
            thread_ts=thread_ts,
            question=follow_up.question,
            run_id=context.run.id if context.run else None,
        )
    except SQLAlchemyError:
        # The answer is posted; only a question in its own thread will not be followed.
        log.warning("the answer posted in %s could not be recorded", channel_id, exc_info=True)


def _first_time(services: Services, event_id: str) -> bool:
    """Whether the event is new. When the store cannot say (it stayed locked past its busy
    timeout), the question is answered: a rare second answer to a redelivery is better
    than none."""
    try:
        return first_time(services.store, event_id)
    except SQLAlchemyError:
        log.warning("event %s could not be recorded; answering it", event_id, exc_info=True)
        return True


def _written_by_a_person(event: dict[str, Any]) -> bool:
    return (
        event.get("subtype") in _PERSON_WRITING
        and not event.get("bot_id")
        and bool(event.get("user"))
    )
