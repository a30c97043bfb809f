"""Follow-up questions: a reply in the thread of a sitrep post, or `@sitrep <question>`.

`thread_context` finds what a thread belongs to (a digest run, or an answer sitrep
posted); `thread_claims` what that thread shows (the digest's claims, in the order the
digest shows them, or the claim an earlier answer rested on); `answer_follow_up` asks
digests.qa with both and renders the reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment

from digests.compose import ClaimView, Window, compose_digest
from digests.extract.actors import Actors
from digests.messages import SlackMessage
from digests.qa.answer import ThreadClaims, answer_question
from digests.qa.reply import render_answer
from digests.qa.vocabulary import Vocabulary, load_vocabulary
from digests.render import make_environment
from digests.resources import config_dir
from digests.result_cache import ResultCache, Shared
from digests.settings import Settings
from digests.store.engine import Store
from digests.store.posts import PostRecord, find_thread_post
from digests.store.runs import RunRecord, find_run_by_ts, get_run
from digests.store.schedules import get_schedule

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# An answer is kept in the store as the message's payload, for every web process.
_SHARED_REPLY: Shared[SlackMessage] = Shared(SlackMessage.as_payload, SlackMessage.from_payload)


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


def thread_claims(
    store: Store,
    settings: Settings,
    context: ThreadContext,
    *,
    vocabulary: Vocabulary,
    actors: Actors,
) -> ThreadClaims:
    """The claims a thread shows: its digest's (group leads first, as the message shows
    them, then the other claims), or, under an answer, the claims that answer rested on."""
    if context.earlier is not None:
        earlier = answer_question(
            store, context.earlier.question, vocabulary=vocabulary, actors=actors
        )
        claims = tuple(claim for claim in (earlier.claim,) if claim is not None)
        documents = tuple(citation.document_id for citation in earlier.citations)
        if claims or documents or context.run is None:
            return ThreadClaims(claims=claims, document_ids=documents)
    run = context.run
    if run is None or run.window_start is None or run.window_end is None:
        return ThreadClaims()
    schedule = get_schedule(store, run.team_id, run.channel_id)
    digest = compose_digest(
        store,
        channel_id=run.channel_id,
        window=Window(run.window_start, run.window_end),
        watched=schedule.watched if schedule else (),
        max_groups=settings.digest_max_groups,
        max_claims=settings.digest_max_claims,
    )
    shown: dict[int, ClaimView] = {}
    leads = [group.lead for group in (*digest.groups, *digest.more_groups) if group.lead]
    for claim in (*leads, *digest.claims, *digest.more_claims):
        shown.setdefault(claim.id, claim)
    claims = tuple(shown.values())
    return ThreadClaims(
        claims=claims, document_ids=tuple(dict.fromkeys(c.source.document_id for c in claims))
    )


def answer_follow_up(
    follow_up: FollowUp,
    *,
    store: Store,
    settings: Settings,
    actors: Actors,
    environment: Environment | None = None,
    results: ResultCache | None = None,
    work_out: Callable[[FollowUp], SlackMessage] | None = None,
) -> SlackMessage:
    """The reply to a follow-up question, posted in its thread: answered from the claims
    (the thread's first), or an honest "I can't answer" with the closest claims.

    With `results`, answers are kept: the same question in the same thread is answered
    again without working it out, by this process or (the answer being kept in the
    store) any other. A reply not kept is worked out by `work_out` when given (another
    process: digests.answer_processes), else here by `work_out_reply`.
    """

    def reply() -> SlackMessage:
        if work_out is not None:
            return work_out(follow_up)
        return work_out_reply(
            follow_up,
            store=store,
            settings=settings,
            actors=actors,
            environment=environment,
            results=results,
        )

    if results is None:
        return reply()
    context = follow_up.context
    key = (*_thread_key(context), follow_up.question)
    return results.get(key, reply, shared=_SHARED_REPLY)


def work_out_reply(
    follow_up: FollowUp,
    *,
    store: Store,
    settings: Settings,
    actors: Actors,
    environment: Environment | None = None,
    results: ResultCache | None = None,
) -> SlackMessage:
    """The reply to a follow-up question, worked out from the store; with `results`, the
    claims a thread shows are kept for its next questions."""
    vocabulary = load_vocabulary(settings.vocabulary_dir or config_dir())
    context = follow_up.context

    def claims_shown() -> ThreadClaims:
        return thread_claims(store, settings, context, vocabulary=vocabulary, actors=actors)

    thread = results.get(_thread_key(context), claims_shown) if results else claims_shown()
    answer = answer_question(
        store, follow_up.question, vocabulary=vocabulary, actors=actors, thread=thread
    )
    return render_answer(answer, environment or make_environment())


def _thread_key(context: ThreadContext) -> tuple[str, int | None, str | None]:
    return (
        "thread",
        context.run.id if context.run else None,
        context.earlier.ts if context.earlier else None,
    )
