"""App Home: schedules, latest digests and the groups most in the news."""

from __future__ import annotations


def test_home_tab_shows_schedules_digests_and_groups(bot, as_slack) -> None:
    bot.ask("/digest", "schedule weekdays 09:00 Asia/Karachi")
    bot.ask("/digest", "watch TTP")
    bot.ask("/digest", "now")
    bot.event({"type": "app_home_opened", "user": "U0READER", "channel": "D0HOME", "tab": "home"})
    view = as_slack.wait_for(lambda: bot.slack.home_view("U0READER"))
    text = "\n".join(
        block["text"]["text"] for block in view["blocks"] if block.get("type") == "section"
    )
    assert "<#C0DIGEST> weekdays at 09:00 (Asia/Karachi)" in text
    assert "watching Tehrik-i-Taliban Pakistan" in text
    assert "posted" in text
    assert "Most in the news (last 7 days)" in text
    assert "1. *" in text and "documents" in text


def test_messages_tab_publishes_nothing(bot) -> None:
    bot.event(
        {"type": "app_home_opened", "user": "U0READER", "channel": "D0HOME", "tab": "messages"}
    )
    import time

    time.sleep(0.3)
    assert bot.slack.home_view("U0READER") is None
