from digests.messages import SlackMessage
from digests.plaintext import message_to_text, mrkdwn_to_text


def test_links_emoji_and_entities_read_as_text() -> None:
    text = ":warning: *Khan* said <https://example.org/a?x=1&amp;y=2|the brief> &lt;!channel&gt;"
    assert mrkdwn_to_text(text) == (
        "⚠️ *Khan* said the brief (https://example.org/a?x=1&y=2) <!channel>"
    )


def test_escaped_text_never_becomes_a_link() -> None:
    # A document's "<https://evil|bank>" arrives escaped and must stay visible as text.
    assert mrkdwn_to_text("&lt;https://evil.example|bank&gt;") == "<https://evil.example|bank>"


def test_blocks_as_lines() -> None:
    message = SlackMessage(
        text="fallback",
        blocks=(
            {"type": "header", "text": {"type": "plain_text", "text": "Digest"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "Line :new:"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print"}]},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "All claims"}},
                    {"type": "button", "text": {"type": "plain_text", "text": "Watch"}},
                ],
            },
        ),
    )
    assert message_to_text(message).splitlines() == [
        "═══ Digest ═══",
        "Line 🆕",
        "  small print",
        "─" * 40,
        "  [1] All claims   [2] Watch",
    ]


def test_a_message_without_blocks_shows_its_text() -> None:
    assert message_to_text(SlackMessage(text="plain &amp; simple")) == "plain & simple"


def test_channel_and_user_mentions_read_as_names() -> None:
    assert (
        mrkdwn_to_text("in <#C0LOCAL> by <@U0ADMIN> and <#C1|desk>")
        == "in #c0local by @U0ADMIN and #desk"
    )


def test_every_emoji_sitrep_templates_use_has_a_character() -> None:
    import re
    from pathlib import Path

    from digests.plaintext import EMOJI

    templates = Path(__file__).parents[1] / "digests" / "templates"
    used = {
        code
        for path in templates.glob("*.j2")
        for code in re.findall(r":[a-z_]+:", path.read_text())
    }
    assert used <= set(EMOJI), sorted(used - set(EMOJI))
