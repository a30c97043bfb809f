"""Rendering: escaping hostile text, Block Kit limits, thread overflow, template overrides."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digests.compose import THREAD_CLAIMS_PER_GROUP, THREAD_GROUPS, Window, compose_digest
from digests.messages import RenderedDigest
from digests.render import (
    MAX_BLOCKS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    escape_mrkdwn,
    make_environment,
    render_digest,
    render_nothing_new,
    safe_url,
    shorten,
)
from digests.store.engine import Store

NOW = datetime.now(UTC)
WINDOW = Window(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
TTP = "Tehrik-i-Taliban Pakistan"


def rendered(store: Store, **options: object) -> RenderedDigest:
    digest = compose_digest(store, channel_id="C1", window=WINDOW, **options)  # type: ignore[arg-type]
    result = render_digest(digest)
    assert result is not None
    return result


def all_text(result: RenderedDigest) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False)


def assert_within_limits(result: RenderedDigest) -> None:
    for message in (result.main, *result.thread):
        assert message.text.strip()
        assert 0 < len(message.blocks) <= MAX_BLOCKS
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= MAX_HEADER_CHARS
                assert block["text"]["type"] == "plain_text"


def test_escaping_keeps_text_and_defuses_markup() -> None:
    assert escape_mrkdwn("<!channel> & <https://evil.example|bank>") == (
        "&lt;!channel&gt; &amp; &lt;https://evil.example|bank&gt;"
    )
    # Direction overrides and zero-width characters are dropped.
    assert escape_mrkdwn("abc\u202edcba\u200b!") == "abcdcba!"


def test_hostile_document_text_never_reaches_slack_as_markup(
    store: Store, add_document, make_claim
) -> None:
    hostile = "<!channel> wire money via <https://evil.example|your bank> & <@U123> <!here>"
    add_document(
        make_claim("<!everyone> spokesman", "accusation", hostile, (TTP,), claimant_role="<b>"),
        title="Breaking <!channel> & <https://evil.example|news>",
        url="https://example.org/a?x=1&y=2",
        outlet="<!here> Outlet",
    )
    result = rendered(store)
    payload = all_text(result)
    for dangerous in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil.example"):
        assert dangerous not in payload
    assert "&lt;!channel&gt; wire money via &lt;https://evil.example|your bank&gt; &amp;" in payload
    # The link sitrep writes itself is a real link, with its & escaped as Slack expects.
    assert "<https://example.org/a?x=1&amp;y=2|Breaking &lt;!channel&gt; &amp;" in payload
    assert_within_limits(result)


def test_only_http_urls_become_links() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://example.org/x") is None
    assert safe_url("https://example.org/a b|c>") == "https://example.org/a%20b%7Cc%3E"
    assert safe_url("") is None


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("short", 12) == "short"


def test_a_huge_window_stays_within_block_kit_limits(
    store: Store, add_document, make_claim
) -> None:
    for number in range(60):
        name = f"Group {number} Front"
        add_document(
            *(
                make_claim(
                    f"Source {number}-{k}",
                    "accusation",
                    f"{name} did thing {k} " + "word " * 80,
                    (name,),
                )
                for k in range(4)
            )
        )
    result = rendered(store, max_groups=8, max_claims=12)
    assert_within_limits(result)
    sections = [b for b in result.main.blocks if b["type"] == "section"]
    assert 8 <= len(sections) <= 10
    # The rest went into thread replies: detail for the busiest groups, a few claims each.
    assert result.thread
    thread_text = "\n".join(
        block["text"]["text"] for message in result.thread for block in message.blocks
    )
    titles = [line for line in thread_text.splitlines() if line.startswith("*Group ")]
    assert len(titles) == THREAD_GROUPS
    assert thread_text.count(" did thing ") <= THREAD_GROUPS * THREAD_CLAIMS_PER_GROUP


def test_digest_message_shape(store: Store, add_document, make_claim) -> None:
    add_document(
        make_claim(
            "Shafqat Ali Khan",
            "accusation",
            "India has been backing the BLA",
            ("Baloch Liberation Army",),
            claimant_role="Foreign Office spokesperson",
            evidence=("documented proof",),
        ),
        title="Pakistan briefing",
        url="https://example.org/briefing",
    )
    result = rendered(store)
    blocks = result.main.blocks
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"].startswith("sitrep digest · ")
    group_line = blocks[2]["text"]["text"]
    assert group_line.startswith("*Baloch Liberation Army*")
    assert "1 accusation" in group_line
    assert "*Shafqat Ali Khan* (Foreign Office spokesperson)" in group_line
    assert "evidence cited: documented proof" in group_line
    # With one document, the sources line names it once instead of every claim line.
    assert "<https://example.org/briefing|" not in group_line
    assert "Reply in this thread" in blocks[-1]["elements"][0]["text"]
    sources = blocks[-2]["elements"][0]["text"]
    assert "Sources: <https://example.org/briefing|Pakistan briefing>" in sources
    assert result.main.text.startswith("sitrep digest: 1 new document, 1 claim")


def test_empty_window_renders_nothing_or_a_notice(store: Store) -> None:
    digest = compose_digest(store, channel_id="C1", window=WINDOW, watched=[TTP])
    assert render_digest(digest) is None
    notice = render_nothing_new(digest)
    assert notice.main.text.startswith(":zzz: Nothing new since")
    assert TTP in notice.main.text


def test_templates_can_be_overridden_from_a_folder(
    store: Store, add_document, make_claim, tmp_path: Path
) -> None:
    (tmp_path / "digest_header.j2").write_text("Morning brief for {{ digest.channel_id }}")
    add_document(make_claim("Police", "statement", "The TTP met", (TTP,)))
    digest = compose_digest(store, channel_id="C1", window=WINDOW)
    result = render_digest(digest, environment=make_environment(tmp_path))
    assert result is not None
    assert result.main.blocks[0]["text"]["text"] == "Morning brief for C1"
    # Templates not overridden are sitrep's own.
    assert result.main.blocks[2]["text"]["text"].startswith("*Tehrik-i-Taliban Pakistan*")


def test_with_several_documents_each_claim_names_its_source(
    store: Store, add_document, make_claim
) -> None:
    add_document(
        make_claim("A", "accusation", "The TTP attacked", (TTP,)),
        title="First",
        url="https://a.example/1",
    )
    add_document(make_claim("B", "report", "The TTP grew", (TTP,)), title="Second")
    result = rendered(store)
    group_line = result.main.blocks[2]["text"]["text"]
    assert "<https://a.example/1|First>" in group_line
    thread = result.thread[0].blocks[0]["text"]["text"]
    assert "_Second_" in thread  # no URL: the title, in italics
