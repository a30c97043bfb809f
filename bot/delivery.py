"""Posting a rendered digest to Slack exactly once.

The run is written to the store before anything is posted (an outbox, see
digests/store/runs.py) and only the process that wrote it posts it. The main message
carries Slack message metadata with the run's key, and each thread reply its index, so
after a crash between posting and recording, `recover()` and `resend()` look in the
channel for what is already there instead of posting it again.

Rate limits, 5xx answers and timeouts are retried inside the client (bot/slack_client.py);
when those retries run out the run stays in the store, with the error, for `recover()`.
Errors that retrying cannot cure fail the run; those about the channel or the token also
pause the channel's schedule with the reason, which `sitrep status` shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from digests.messages import RenderedDigest, SlackMessage
from digests.store.engine import Store
from digests.store.models import utc_now
from digests.store.runs import (
    POSTED,
    UNFINISHED,
    ClaimedRun,
    RunRecord,
    claim_run,
    get_run,
    get_run_by_key,
    mark_posting,
    reclaim_run,
    record_failed,
    record_main_posted,
    record_posted,
    record_reply_posted,
    record_retry_later,
    runs_needing_delivery,
)

logger = logging.getLogger(__name__)

DIGEST_EVENT_TYPE = "sitrep_digest"
REPLY_EVENT_TYPE = "sitrep_digest_reply"
# A run whose deliverer has shown no progress for this long was left by a dead process.
DEFAULT_LEASE = timedelta(minutes=10)
_HISTORY_MARGIN = timedelta(minutes=5)  # our clock and Slack's may differ a little
_MAX_PAGES = 10  # of 200 messages: far more than a channel gets between a crash and recovery
_LOOKS_AFTER_LOST_ANSWERS = 3  # times a lost answer sends us to look in Slack, then post
# A post sent whose answer never came (bot/slack_client.py does not retry these).
_ANSWER_LOST_ERRORS = (TimeoutError, ConnectionError)

# Slack errors that mean the channel or the token cannot be used until someone acts:
# the run fails and the channel's schedule is paused with the explanation.
_BLOCKING_ERRORS = {
    "channel_not_found": "the channel does not exist or sitrep cannot see it. "
    "Invite sitrep with /invite @sitrep",
    "not_in_channel": "sitrep is not a member of the channel. Invite it with /invite @sitrep",
    "is_archived": "the channel is archived. Unarchive it",
    "invalid_auth": "Slack does not accept the bot token. Check SLACK_BOT_TOKEN",
    "not_authed": "no bot token was sent. Set SLACK_BOT_TOKEN",
    "account_inactive": "the bot token belongs to a deactivated app. Reinstall the app",
    "token_revoked": "the bot token was revoked. Reinstall the app and update SLACK_BOT_TOKEN",
    "missing_scope": "the app lacks a permission it needs (chat:write, channels:history). "
    "Reinstall it from config/slack-manifest.yml",
}
# Slack errors that a later attempt may not meet (besides HTTP 429 and 5xx).
_PASSING_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}

DeliveryStatus = Literal["posted", "already_claimed", "failed", "retry_later"]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What became of a delivery: posted, someone else's, failed (with why), or kept for later."""

    status: DeliveryStatus
    run_id: int | None
    ts: str | None = None
    error: str | None = None


class DeliveryRefused(Exception):
    """`resend` was asked for something it must not do; the message says why."""


class _LeaseLost(Exception):
    """Another deliverer took the run over (ours had gone quiet for too long): stop."""


class _AnswerLost(Exception):
    """A post timed out or was cut off after it was sent: it may be in Slack or not."""


class Deliverer:
    """Posts digests through `client`, keeping the runs in `store`."""

    def __init__(
        self,
        store: Store,
        client: WebClient,
        *,
        now: Callable[[], datetime] = utc_now,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.store = store
        self.client = client
        self.lease = lease
        self._now = now

    def deliver(
        self,
        team_id: str,
        channel_id: str,
        period: str,
        message: RenderedDigest,
        *,
        trigger: str = "scheduled",
        window_start: datetime | None = None,
        window_end: datetime | None = None,
    ) -> DeliveryResult:
        """Post the digest for (team, channel, period) unless a run for it already exists."""
        claim = claim_run(
            self.store,
            team_id,
            channel_id,
            period,
            trigger=trigger,
            window_start=window_start,
            window_end=window_end,
            message=message,
            now=self._now(),
        )
        if claim is None:
            existing = get_run_by_key(self.store, team_id, channel_id, period)
            return DeliveryResult(
                "already_claimed",
                existing.id if existing else None,
                existing.ts if existing else None,
            )
        return self._send(claim)

    def resend(self, run_id: int) -> DeliveryResult:
        """Post a failed or never-finished run again; a posted one is refused."""
        run = get_run(self.store, run_id)
        if run is None:
            raise DeliveryRefused(
                f"there is no digest run {run_id}; `sitrep runs` lists the recent ones"
            )
        if run.status == POSTED:
            raise DeliveryRefused(
                f"digest run {run_id} ({run.key}) was already posted (ts {run.ts}); "
                "resending it would post it twice"
            )
        now = self._now()
        claim = reclaim_run(self.store, run_id, stale_before=now - self.lease, now=now)
        if claim is None:
            return DeliveryResult(
                "already_claimed", run_id, run.ts, "another sitrep process is posting it now"
            )
        return self._send(claim)

    def recover(self) -> list[DeliveryResult]:
        """Deliver the runs left pending or posting by a failed attempt or a dead process."""
        now = self._now()
        stale_before = now - self.lease
        results = []
        for run in runs_needing_delivery(self.store, older_than=stale_before):
            claim = reclaim_run(self.store, run.id, stale_before=stale_before, now=now)
            if claim is not None:  # None: another process took it first
                results.append(self._send(claim))
        return results

    # --- posting -------------------------------------------------------------

    def _send(self, claim: ClaimedRun) -> DeliveryResult:
        if claim.run.message is None:
            return self._fail(claim, "the run holds no message to post")
        lost = ""
        for _ in range(_LOOKS_AFTER_LOST_ANSWERS):
            try:
                return self._send_once(claim)
            except _AnswerLost as error:
                lost = str(error)
                # What was sent may be in Slack: go on as a resumed run, which looks first.
                resumed = self._resume(claim)
                if resumed is None:
                    return DeliveryResult("already_claimed", claim.run.id)
                claim = resumed
        return self._retry_later(claim, f"Slack did not answer ({lost}); the next try looks first")

    def _resume(self, claim: ClaimedRun) -> ClaimedRun | None:
        """The claim as the store has it now, or None if another deliverer took it over."""
        run = get_run(self.store, claim.run.id)
        if run is None or run.attempts != claim.attempt or run.status not in UNFINISHED:
            return None
        return ClaimedRun(run, fresh=False)

    def _send_once(self, claim: ClaimedRun) -> DeliveryResult:
        run = claim.run
        assert run.message is not None  # checked by _send
        ts = run.ts
        try:
            ts, may_have_replies = self._main_message(claim, run.message.main)
            self._thread_replies(claim, run.message.thread, ts, look_in_slack=may_have_replies)
            self._fence(
                record_posted(self.store, run.id, ts, attempt=claim.attempt, now=self._now())
            )
        except _LeaseLost:
            return DeliveryResult("already_claimed", run.id, ts)
        except SlackApiError as error:
            return self._after_slack_error(claim, error)
        except (OSError, SlackClientError) as error:  # timeouts, refused or dropped connections
            return self._retry_later(claim, f"Slack could not be reached: {error}")
        logger.info("posted digest run %s (%s) as %s", run.id, run.key, ts)
        return DeliveryResult("posted", run.id, ts)

    def _main_message(self, claim: ClaimedRun, main: SlackMessage) -> tuple[str, bool]:
        """The main message's ts, posting it if it is not in Slack yet; and whether thread
        replies may already be there."""
        run = claim.run
        if run.ts is not None:
            return run.ts, True
        if not claim.fresh:  # an earlier attempt may have posted it and died before recording
            found = self._find_in_history(run)
            if found is not None:
                logger.info("digest run %s was already in Slack as %s", run.id, found)
                self._fence(
                    record_main_posted(
                        self.store, run.id, found, attempt=claim.attempt, now=self._now()
                    )
                )
                return found, True
        self._fence(mark_posting(self.store, run.id, attempt=claim.attempt, now=self._now()))
        ts = self._post(run, main, _tag(main, DIGEST_EVENT_TYPE, run))
        self._fence(
            record_main_posted(self.store, run.id, ts, attempt=claim.attempt, now=self._now())
        )
        return ts, False

    def _thread_replies(
        self,
        claim: ClaimedRun,
        thread: tuple[SlackMessage, ...],
        ts: str,
        *,
        look_in_slack: bool,
    ) -> None:
        run = claim.run
        done = run.replies_posted
        if look_in_slack and done < len(thread):
            done = max(done, self._replies_in_slack(run, ts))
        for index in range(done, len(thread)):
            reply = thread[index]
            self._post(run, reply, _tag(reply, REPLY_EVENT_TYPE, run, index=index), thread_ts=ts)
            self._fence(
                record_reply_posted(
                    self.store, run.id, index + 1, attempt=claim.attempt, now=self._now()
                )
            )

    def _post(
        self,
        run: RunRecord,
        message: SlackMessage,
        metadata: dict[str, Any],
        *,
        thread_ts: str | None = None,
    ) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=run.channel_id,
                text=message.text,
                blocks=list(message.blocks) or None,
                thread_ts=thread_ts,
                metadata=metadata,
                unfurl_links=False,  # a digest cites many links; previews would bury it
                unfurl_media=False,
            )
        except _ANSWER_LOST_ERRORS as error:
            raise _AnswerLost(f"{type(error).__name__}: {error}") from error
        return str(response["ts"])

    # --- looking in Slack ----------------------------------------------------

    def _find_in_history(self, run: RunRecord) -> str | None:
        """The ts of the run's main message if it is in the channel."""
        oldest = (run.created_at - _HISTORY_MARGIN).timestamp()
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = self.client.conversations_history(
                channel=run.channel_id,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                if _run_index(message, DIGEST_EVENT_TYPE, run) is not None:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return None
        logger.warning("digest run %s: gave up looking for it in a long history", run.id)
        return None

    def _replies_in_slack(self, run: RunRecord, ts: str) -> int:
        """How many of the run's thread replies are in Slack already."""
        posted = 0
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = self.client.conversations_replies(
                channel=run.channel_id, ts=ts, include_all_metadata=True, limit=200, cursor=cursor
            )
            for message in page.get("messages") or []:
                index = _run_index(message, REPLY_EVENT_TYPE, run)
                if index is not None:
                    posted = max(posted, index + 1)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        return posted

    # --- outcomes ------------------------------------------------------------

    def _after_slack_error(self, claim: ClaimedRun, error: SlackApiError) -> DeliveryResult:
        code = str(error.response.get("error") or "")
        status = error.response.status_code
        answer = code if status == 200 else f"HTTP {status} {code}".strip()
        if status == 429 or status >= 500 or code in _PASSING_ERRORS:
            return self._retry_later(claim, f"Slack kept answering {answer}")
        explanation = _BLOCKING_ERRORS.get(code)
        if explanation is not None:
            return self._fail(claim, f"{code}: {explanation}, then /digest resume", blocking=True)
        return self._fail(claim, f"Slack refused the digest: {answer}")

    def _retry_later(self, claim: ClaimedRun, error: str) -> DeliveryResult:
        run = claim.run
        if not record_retry_later(self.store, run.id, error, attempt=claim.attempt):
            return DeliveryResult("already_claimed", run.id)
        logger.warning("digest run %s (%s) kept for a later attempt: %s", run.id, run.key, error)
        return DeliveryResult("retry_later", run.id, error=error)

    def _fail(self, claim: ClaimedRun, error: str, *, blocking: bool = False) -> DeliveryResult:
        run = claim.run
        if not record_failed(self.store, run.id, error, permanent=blocking, attempt=claim.attempt):
            return DeliveryResult("already_claimed", run.id)
        logger.error("digest run %s (%s) failed: %s", run.id, run.key, error)
        return DeliveryResult("failed", run.id, error=error)

    @staticmethod
    def _fence(written: bool) -> None:
        if not written:
            raise _LeaseLost


def _tag(
    message: SlackMessage, event_type: str, run: RunRecord, *, index: int | None = None
) -> dict[str, Any]:
    """Slack message metadata naming the run (kept with any payload the renderer set)."""
    payload = dict((message.metadata or {}).get("event_payload") or {})
    payload.update(run_key=run.key, run_id=run.id)
    if index is not None:
        payload["index"] = index
    return {"event_type": event_type, "event_payload": payload}


def _run_index(message: dict[str, Any], event_type: str, run: RunRecord) -> int | None:
    """For a message tagged as `event_type` of `run`: its reply index (0 for the main)."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != event_type or payload.get("run_key") != run.key:
        return None
    return int(payload.get("index", 0))
