"""/digest, /group and /claim through Bolt's dispatch: signed requests, the stand-in's
Web API and response_url over real HTTP, the store on SQLite."""

from __future__ import annotations

import time

from digests.documents import load_sources
from digests.ingest import ingest
from digests.store.schedules import get_schedule


def test_help_is_in_the_ack_itself(bot) -> None:
    for text in ("", "help"):
        response, _ = bot.command("/digest", text)
        assert response.status == 200
        assert "/digest schedule weekdays 09:00 Asia/Karachi" in response.body
        assert '"response_type": "ephemeral"' in response.body


def test_unknown_action_says_what_was_wrong_and_suggests(bot) -> None:
    response, _ = bot.command("/digest", "nwo")
    assert "'nwo' is not something /digest does" in response.body
    assert "did you mean `/digest now`?" in response.body


def test_bad_schedule_gets_an_example_that_works(bot) -> None:
    response, _ = bot.command("/digest", "schedule someday at teatime")
    assert "/digest schedule weekdays 09:00 Asia/Karachi" in response.body
    assert get_schedule(bot.store, "T0SITREP", "C0DIGEST") is None


def test_acks_at_once_and_responds_after(bot) -> None:
    started = time.monotonic()
    response, name = bot.command("/digest", "preview")
    assert response.status == 200 and response.body == ""
    assert time.monotonic() - started < 3
    [preview] = bot.responses(name)
    assert preview.response_type == "ephemeral"
    assert preview.text.startswith("sitrep digest")
    assert bot.slack.top_level("C0DIGEST") == []  # a preview posts nothing


def test_schedule_watch_status_by_an_admin(bot) -> None:
    assert "weekdays at 09:00 (Asia/Karachi)" in bot.ask(
        "/digest", "schedule weekdays 09:00 Asia/Karachi"
    )
    assert "Now watching Tehrik-i-Taliban Pakistan, Baloch Liberation Army" in bot.ask(
        "/digest", "watch TTP, BLA"
    )
    status = bot.ask("/digest", "status")
    assert "weekdays at 09:00 (Asia/Karachi)" in status
    assert "Tehrik-i-Taliban Pakistan" in status
    spec = get_schedule(bot.store, "T0SITREP", "C0DIGEST")
    assert spec is not None and spec.created_by == "U0ADMIN"


def test_watch_did_you_mean(bot) -> None:
    bot.ask("/digest", "schedule daily 18:30")
    text = bot.ask("/digest", "watch Tehrik-e-Talban")
    assert "no group called 'Tehrik-e-Talban' (did you mean Tehrik-i-Taliban Pakistan?)" in text


def test_ordinary_member_is_refused_and_told_why(bot) -> None:
    bot.ask("/digest", "schedule daily 18:30", user="U0ADMIN")
    text = bot.ask("/digest", "pause", user="U0READER")
    assert "You cannot change this channel's digest" in text
    assert "<@U0ADMIN>" in text
    assert get_schedule(bot.store, "T0SITREP", "C0DIGEST").paused is False


def test_owner_sitrep_admin_and_creator_may_change(bot) -> None:
    assert "gets its digest" in bot.ask("/digest", "schedule daily 18:30", user="U0SITADM")
    assert "paused" in bot.ask("/digest", "pause", user="U0OWNER")
    assert "back on" in bot.ask("/digest", "resume", user="U0SITADM")


def test_member_cannot_set_up_a_schedule(bot) -> None:
    assert "only sitrep's admins" in bot.ask("/digest", "schedule daily 18:30", user="U0READER")
    assert get_schedule(bot.store, "T0SITREP", "C0DIGEST") is None


def test_now_posts_once(bot) -> None:
    assert "Posted" in bot.ask("/digest", "now")
    # The window now starts at that digest: nothing new, nothing posted twice.
    assert "Nothing new" in bot.ask("/digest", "now")
    assert len(bot.slack.top_level("C0DIGEST")) == 1


def test_group_and_claim(bot) -> None:
    response, name = bot.command("/group", "TTP")
    assert response.body == ""
    profile = bot.responses(name)[0]
    assert profile.response_type == "ephemeral"
    assert "Tehrik-i-Taliban Pakistan" in profile.text
    _, name = bot.command("/group", "Tehrik-e-Talban")
    assert "Tehrik-i-Taliban Pakistan" in bot.responses(name)[0].text
    _, name = bot.command("/claim", "India backs BLA")
    assert "Shafqat Ali Khan" in bot.responses(name)[0].text


def test_lookup_help(bot) -> None:
    response, _ = bot.command("/group", "")
    assert "/group TTP" in response.body
    response, _ = bot.command("/claim", "help")
    assert "/claim India backs BLA" in response.body


def test_the_manifest_declares_what_the_app_listens_to(bot) -> None:
    import yaml

    from digests.resources import config_dir

    manifest = yaml.safe_load((config_dir() / "slack-manifest.yml").read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {"/digest", "/group", "/claim"}
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "app_home_opened", "message.channels", "message.groups"} <= events
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_a_group_asked_again_shows_documents_ingested_in_between(bot, extractor, tmp_path) -> None:
    before = bot.ask("/group", "TTP")
    assert bot.ask("/group", "TTP") == before  # kept, and the same
    fresh = tmp_path / "fresh.txt"
    fresh.write_text(
        "Ambush near Wana\n\nA spokesman for the Tehrik-i-Taliban Pakistan, Muhammad "
        "Khurasani, said on Tuesday that the TTP carried out the ambush on a convoy near "
        "Wana in which nine soldiers were killed.\n",
        encoding="utf-8",
    )
    summary = ingest(bot.store, load_sources([str(fresh)], max_bytes=100_000), extractor=extractor)
    assert summary.ingested == 1
    after = bot.ask("/group", "TTP")
    assert "Khurasani" not in before
    assert "Khurasani" in after
