"""sitrep's App Home: the team's schedules, the latest digests, the groups most in the news."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment

from digests.channel_settings import channel_mention
from digests.render import render_text, sections
from digests.schedules import describe
from digests.store.engine import Store
from digests.store.news import groups_in_the_news
from digests.store.runs import recent_runs
from digests.store.schedules import list_schedules

NEWS_PERIOD = timedelta(days=7)
_MAX_SCHEDULES = 25  # a home tab holds 100 blocks; a long list would crowd out the rest
_LATEST_DIGESTS = 5
_MAX_BLOCKS = 100


def home_view(
    store: Store, environment: Environment, *, team_id: str, now: datetime
) -> dict[str, Any]:
    """The `home` view for views.publish."""
    schedules = list_schedules(store, team_id)
    runs = recent_runs(store, limit=_LATEST_DIGESTS, team_id=team_id)
    groups = groups_in_the_news(store, since=now - NEWS_PERIOD, limit=5)
    parts = [
        render_text(
            environment,
            "home_schedules.j2",
            schedules=[
                (channel_mention(spec.channel_id), describe(spec.cron), spec)
                for spec in schedules[:_MAX_SCHEDULES]
            ],
            more=max(0, len(schedules) - _MAX_SCHEDULES),
        ),
        render_text(
            environment,
            "home_digests.j2",
            runs=[(channel_mention(run.channel_id), run) for run in runs],
        ),
        render_text(environment, "home_groups.j2", groups=groups, days=NEWS_PERIOD.days),
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "sitrep"}},
    ]
    for part in parts:
        blocks += sections(part)
        blocks.append({"type": "divider"})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": render_text(environment, "home_footer.j2")},
            ],
        }
    )
    return {"type": "home", "blocks": blocks[:_MAX_BLOCKS]}
