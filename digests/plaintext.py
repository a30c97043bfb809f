"""Slack messages as a terminal shows them: Block Kit and mrkdwn turned into readable text.

Used by `sitrep digest --preview` and the local shell workspace, so both show what a
channel would read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from digests.messages import SlackMessage

# The emoji codes sitrep's templates use, as the characters Slack shows for them.
EMOJI = {
    ":dart:": "🎯",
    ":warning:": "⚠️",
    ":no_entry_sign:": "🚫",
    ":bar_chart:": "📊",
    ":rotating_light:": "🚨",
    ":mega:": "📣",
    ":speech_balloon:": "💬",
    ":scales:": "⚖️",
    ":newspaper:": "📰",
    ":new:": "🆕",
    ":eyes:": "👀",
    ":zzz:": "💤",
    ":white_check_mark:": "✅",
    ":mag:": "🔍",
    ":question:": "❓",
    ":arrow_forward:": "▶️",
    ":calendar:": "📅",
    ":chart_with_upwards_trend:": "📈",
    ":double_vertical_bar:": "⏸️",
    ":hourglass:": "⌛",
    ":bulb:": "💡",
    ":thinking_face:": "🤔",
    ":wave:": "👋",
    ":information_source:": "ℹ️",
    ":no_entry:": "⛔",
    ":see_no_evil:": "🙈",
    ":x:": "❌",
}
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")


def mrkdwn_to_text(text: str) -> str:
    """Readable text from Slack mrkdwn: links as "title (url)", emoji as characters."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1).lower()), text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), text)
    # Entities last, so escaped text never turns into a link above.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _block_lines(block: dict[str, Any]) -> Iterable[str]:
    kind = block.get("type")
    if kind == "header":
        yield "═" * 3 + " " + block["text"]["text"] + " " + "═" * 3
    elif kind == "section":
        yield mrkdwn_to_text(block.get("text", {}).get("text", ""))
        for field in block.get("fields", []):
            yield "  " + mrkdwn_to_text(field.get("text", ""))
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            yield f"  [{accessory['text']['text']}]"
    elif kind == "context":
        texts = [mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", [])]
        yield "  " + " ".join(t for t in texts if t)
    elif kind == "divider":
        yield "─" * 40
    elif kind == "actions":
        labels = [
            f"[{number}] {element['text']['text']}"
            for number, element in enumerate(block.get("elements", []), start=1)
            if element.get("type") == "button"
        ]
        yield "  " + "   ".join(labels)


def message_to_text(message: SlackMessage) -> str:
    """A message as lines of text: its blocks, or its fallback text when it has none."""
    if not message.blocks:
        return mrkdwn_to_text(message.text)
    lines: list[str] = []
    for block in message.blocks:
        lines.extend(_block_lines(block))
    return "\n".join(lines)
