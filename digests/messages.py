"""Slack messages as the core produces them: plain data, ready for chat.postMessage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message: Block Kit blocks and the plain-text fallback Slack shows in notifications."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()
    metadata: dict[str, Any] | None = None  # Slack message metadata (event_type, event_payload)

    def as_payload(self) -> dict[str, Any]:
        """Arguments for chat.postMessage (without channel and thread)."""
        payload: dict[str, Any] = {"text": self.text, "blocks": list(self.blocks)}
        if self.metadata is not None:
            payload["metadata"] = self.metadata
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SlackMessage:
        """The message `as_payload` gave."""
        return cls(
            text=payload["text"],
            blocks=tuple(payload.get("blocks", ())),
            metadata=payload.get("metadata"),
        )


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """A digest: the message posted to the channel and the replies posted in its thread."""

    main: SlackMessage
    thread: tuple[SlackMessage, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "main": self.main.as_payload(),
            "thread": [message.as_payload() for message in self.thread],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderedDigest:
        return cls(
            main=SlackMessage.from_payload(data["main"]),
            thread=tuple(SlackMessage.from_payload(p) for p in data["thread"]),
        )
