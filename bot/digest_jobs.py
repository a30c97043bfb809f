"""Posting a channel's digest: compose it for its window, then deliver it exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from bot.delivery import Deliverer, DeliveryResult
from bot.scheduler import DigestScheduler, RunDigest
from digests.channel_digest import prepare_digest
from digests.schedules import ScheduleSpec, period_key
from digests.settings import Settings
from digests.store.engine import Store

log = logging.getLogger(__name__)


def manual_period(now: datetime) -> str:
    """The period of a digest asked for by hand: one per channel per minute, so a double
    click (or a retried command) posts it once."""
    return "manual-" + period_key(now.replace(second=0, microsecond=0))


def post_digest(
    store: Store,
    settings: Settings,
    client: WebClient,
    *,
    team_id: str,
    channel_id: str,
    period: str,
    trigger: str,
    window_end: datetime,
) -> DeliveryResult | None:
    """Compose the channel's digest up to `window_end` and deliver it; None when the
    window is empty and the channel did not ask for "nothing new" notices."""
    prepared = prepare_digest(
        store, settings, team_id=team_id, channel_id=channel_id, now=window_end
    )
    if prepared.rendered is None:
        log.info("no digest for %s: nothing new since %s", channel_id, prepared.digest.window.start)
        return None
    return Deliverer(store, client).deliver(
        team_id,
        channel_id,
        period,
        prepared.rendered,
        trigger=trigger,
        window_start=prepared.digest.window.start,
        window_end=prepared.digest.window.end,
    )


def scheduled_digests(store: Store, settings: Settings, client: WebClient) -> RunDigest:
    """What the scheduler runs when a channel's time comes."""

    def run(spec: ScheduleSpec, scheduled_for: datetime) -> None:
        result = post_digest(
            store,
            settings,
            client,
            team_id=spec.team_id,
            channel_id=spec.channel_id,
            period=period_key(scheduled_for),
            trigger="scheduled",
            window_end=scheduled_for,
        )
        if result is not None:
            log.info(
                "digest for %s at %s: %s%s",
                spec.channel_id,
                scheduled_for.isoformat(),
                result.status,
                f" ({result.error})" if result.error else "",
            )

    return run


def start_clock(store: Store, settings: Settings, client: WebClient) -> DigestScheduler:
    """The digest schedules, as `sitrep clock` runs them: recover, schedule, keep recovering."""
    scheduler = DigestScheduler.from_settings(
        store, settings, scheduled_digests(store, settings, client)
    )
    deliverer = Deliverer(store, client)
    deliverer.recover()  # digests a crash or an outage left unfinished
    scheduler.start()
    scheduler.apscheduler.add_job(
        deliverer.recover,
        "interval",
        seconds=settings.schedule_refresh_seconds,
        id="recover-unfinished-digests",
        coalesce=True,
        max_instances=1,
    )
    return scheduler
