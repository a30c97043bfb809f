"""Follow-up questions: a reply in the thread of a sitrep post, or `@sitrep <question>`.

`thread_context` finds what a thread belongs to (a digest run, or an answer sitrep
posted); `answer_follow_up` turns a question with its context into the reply. For now
that reply says honestly that the question was received and what it is attached to;
the Q&A feature replaces `answer_follow_up` (and only it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment

from digests.channel_settings import channel_mention, reply
from digests.messages import SlackMessage
from digests.render import make_environment
from digests.store.engine import Store
from digests.store.posts import PostRecord, find_thread_post
from digests.store.runs import RunRecord, find_run_by_ts, get_run

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True, slots=True)
class ThreadContext:
    """What a thread belongs to: a digest (`run`), an answer (`earlier`), or both."""

    run: RunRecord | None = None
    earlier: PostRecord | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A question and everything known about where it was asked."""

    team_id: str
    channel_id: str
    user_id: str
    question: str  # as typed, without mentions of sitrep
    thread_ts: str  # the thread the answer goes to
    context: ThreadContext  # empty for a new `@sitrep` question outside sitrep's threads


def thread_context(store: Store, channel_id: str, thread_ts: str) -> ThreadContext | None:
    """What the thread rooted at `thread_ts` belongs to, or None if it is not sitrep's."""
    run = find_run_by_ts(store, channel_id, thread_ts)
    if run is not None:
        return ThreadContext(run=run)
    earlier = find_thread_post(store, channel_id, thread_ts)
    if earlier is None:
        return None
    run = get_run(store, earlier.run_id) if earlier.run_id is not None else None
    return ThreadContext(run=run, earlier=earlier)


def question_text(text: str) -> str:
    """The question without user mentions (`<@U0SITREP> who said that?` -> `who said that?`)."""
    return " ".join(_MENTION.sub(" ", text).split())


def answer_follow_up(
    follow_up: FollowUp, *, environment: Environment | None = None
) -> SlackMessage:
    """The reply to a follow-up question, posted in its thread."""
    return reply(
        environment or make_environment(),
        "follow_up_received.j2",
        question=follow_up.question,
        run=follow_up.context.run,
        earlier=follow_up.context.earlier,
        channel=channel_mention(follow_up.channel_id),
    )
