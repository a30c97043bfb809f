"""Buttons on /group's profile: all claims, more claims, watch the group here."""

from __future__ import annotations

from digests.store.schedules import get_schedule


def test_all_claims_then_more(bot) -> None:
    name = bot.action("group_all_claims", "Tehrik-i-Taliban Pakistan")
    [page] = bot.responses(name)
    assert page.response_type == "ephemeral" and page.replace_original is False
    assert "Tehrik-i-Taliban Pakistan" in page.text
    name = bot.action("group_more_claims", "Tehrik-i-Taliban Pakistan|1")
    assert bot.responses(name)[0].text


def test_watch_button_needs_permission_and_a_schedule(bot) -> None:
    name = bot.action("group_watch", "Baloch Liberation Army", user="U0READER")
    assert "only sitrep's admins" in bot.responses(name)[0].text
    bot.ask("/digest", "schedule daily 18:30")
    name = bot.action("group_watch", "Baloch Liberation Army")
    assert "Now watching Baloch Liberation Army" in bot.responses(name)[0].text
    assert get_schedule(bot.store, "T0SITREP", "C0DIGEST").watched == ("Baloch Liberation Army",)
