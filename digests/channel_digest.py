"""A channel's digest end to end: its window, its watched groups, composed and rendered.

The one place that decides what a channel's next digest holds, used alike by the
scheduler, `/digest now`, `/digest preview` and `sitrep digest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from jinja2 import Environment

from digests.compose import Digest, Window, compose_digest
from digests.messages import RenderedDigest
from digests.render import make_environment, render_digest, render_nothing_new
from digests.settings import Settings
from digests.store.engine import Store
from digests.store.runs import covered_until
from digests.store.schedules import get_schedule

DEFAULT_TEMPLATE = "digest"


@dataclass(frozen=True, slots=True)
class PreparedDigest:
    """What a channel would get now: the digest, and its messages (None: post nothing)."""

    digest: Digest
    rendered: RenderedDigest | None


@cache
def _environment(templates_dir: Path | None) -> Environment:
    return make_environment(templates_dir)


def template_environment(settings: Settings, template: str = DEFAULT_TEMPLATE) -> Environment:
    """The templates for a schedule's `template`: a subfolder of templates_dir by that name
    overrides the files it holds; "digest" means templates_dir itself (or sitrep's own)."""
    folder = settings.templates_dir
    if folder is not None and template != DEFAULT_TEMPLATE and (folder / template).is_dir():
        folder = folder / template
    return _environment(folder)


def window_for(
    store: Store, settings: Settings, *, team_id: str, channel_id: str | None, now: datetime
) -> Window:
    """Since the channel's last digest (posted, or kept to be posted), or the first
    window's length before now."""
    covered = covered_until(store, team_id, channel_id) if channel_id else None
    if covered is not None and covered < now:
        return Window(covered, now)
    return Window(now - timedelta(hours=settings.digest_first_window_hours), now)


def prepare_digest(
    store: Store,
    settings: Settings,
    *,
    team_id: str,
    channel_id: str | None,
    now: datetime,
    since: datetime | None = None,
    metadata: dict[str, object] | None = None,
) -> PreparedDigest:
    """The digest a channel would get now, following its schedule's watched groups,
    template and "nothing new" preference."""
    schedule = get_schedule(store, team_id, channel_id) if channel_id else None
    window = (
        Window(since, now)
        if since is not None
        else window_for(store, settings, team_id=team_id, channel_id=channel_id, now=now)
    )
    digest = compose_digest(
        store,
        channel_id=channel_id or "",
        window=window,
        watched=schedule.watched if schedule else (),
        max_groups=settings.digest_max_groups,
        max_claims=settings.digest_max_claims,
    )
    environment = template_environment(
        settings, schedule.template if schedule else DEFAULT_TEMPLATE
    )
    rendered = render_digest(digest, environment=environment, metadata=metadata)
    if rendered is None and schedule is not None and schedule.notify_empty:
        rendered = render_nothing_new(digest, environment=environment)
    return PreparedDigest(digest=digest, rendered=rendered)
