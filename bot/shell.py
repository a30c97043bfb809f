"""The shell workspace: sitrep's Slack app in a terminal, with no Slack workspace needed.

The very App that serves Slack runs here against a local stand-in of Slack's Web API
(digests.testing.SlackStandIn, on 127.0.0.1). What you type becomes the signed request
Slack would send (a slash command, a message in the last thread, a mention, a button
click); what the app posts, responds or shows only to you is drawn in the terminal.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console
from rich.text import Text
from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.app import build_app
from bot.cli_schedules import LOCAL_TEAM
from digests.extract.pipeline import Extractor
from digests.messages import SlackMessage
from digests.plaintext import message_to_text
from digests.settings import Settings
from digests.store.engine import Store
from digests.testing import SlackRequests, SlackStandIn, StandInUser

LOCAL_USER = "U0LOCAL"  # you, a workspace admin of the local workspace
LOCAL_CHANNEL = "C0LOCAL"
BOT_USER = "U0SITREP"

HELP = """\
Type what you would type in Slack:
  /digest now | preview | schedule weekdays 09:00 | status | help
  /group TTP            a group's profile          /claim 6,000 fighters   matching claims
  > who said that?      a reply in the thread of sitrep's last post
  @sitrep question      a mention in the channel
  click 1               the first button of the last message with buttons
  help, quit"""

_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def styled(text: str) -> Text:
    """mrkdwn's *bold* and _italics_ as terminal styles; everything else as written."""
    styles: list[tuple[int, int, str]] = []
    for pattern, style in ((_BOLD, "bold"), (_ITALIC, "italic")):
        styles += [(m.start(), m.end(), style) for m in pattern.finditer(text)]
    result = Text()
    position = 0
    for start, end, style in sorted(styles):
        if start < position:
            continue  # overlapping marks: keep the first
        result.append(text[position:start])
        result.append(text[start + 1 : end - 1], style=style)
        position = end
    result.append(text[position:])
    return result


@dataclass
class _Seen:
    """How much of the stand-in's activity has been shown already."""

    messages: dict[str, int] = field(default_factory=dict)
    responses: int = 0
    ephemeral: int = 0
    views: int = 0


class ShellWorkspace:
    """One local workspace: a stand-in Slack, the App, and you in one channel."""

    def __init__(self, app: App, slack: SlackStandIn, requests: SlackRequests, out: Console):
        self.app = app
        self.slack = slack
        self.requests = requests
        self.out = out
        self.channel = LOCAL_CHANNEL
        self._seen = _Seen()
        self._buttons: list[dict[str, Any]] = []
        self._numbers = iter(range(1, 10**9))

    # --- input -------------------------------------------------------------------

    def run_line(self, line: str) -> bool:
        """Carry out one typed line; False when the user asked to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in ("quit", "exit"):
            return False
        if line == "help":
            self.out.print(HELP, markup=False, highlight=False)
        elif line.startswith("/"):
            self._command(line)
        elif line.startswith(">"):
            self._thread_reply(line[1:].strip())
        elif line.startswith("@sitrep"):
            self._mention(line.removeprefix("@sitrep").strip())
        elif line.startswith("click"):
            self._click(line.removeprefix("click").strip())
        else:
            self.out.print("Not something Slack would send; type `help` for what is.")
        return True

    def _command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        name = f"shell{next(self._numbers)}"
        body = self.requests.command_body(
            command,
            text.strip(),
            user=LOCAL_USER,
            channel=self.channel,
            response_url=self.slack.response_url(name),
        )
        self._dispatch(body, "application/x-www-form-urlencoded")

    def _thread_reply(self, question: str) -> None:
        parent = self._last_sitrep_post()
        if parent is None:
            self.out.print("There is no sitrep post to reply to yet; try /digest now first.")
            return
        message = self.slack.add_message(
            self.channel, question, thread_ts=parent.ts, user=LOCAL_USER
        )
        self._seen.messages[self.channel] = len(self.slack.posted(self.channel))
        event = {
            "type": "message",
            "channel": self.channel,
            "user": LOCAL_USER,
            "text": question,
            "ts": message.ts,
            "thread_ts": parent.ts,
            "event_ts": message.ts,
        }
        self._dispatch(self.requests.event_body(event), "application/json")

    def _mention(self, question: str) -> None:
        text = f"<@{BOT_USER}> {question}"
        message = self.slack.add_message(self.channel, text, user=LOCAL_USER)
        self._seen.messages[self.channel] = len(self.slack.posted(self.channel))
        event = {
            "type": "app_mention",
            "channel": self.channel,
            "user": LOCAL_USER,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
        }
        self._dispatch(self.requests.event_body(event), "application/json")

    def _click(self, which: str) -> None:
        if not self._buttons:
            self.out.print("No buttons to click yet.")
            return
        try:
            button = self._buttons[int(which or "1") - 1]
        except (ValueError, IndexError):
            self.out.print(f"Click a number from 1 to {len(self._buttons)}.")
            return
        name = f"shell{next(self._numbers)}"
        body = self.requests.action_body(
            button["action_id"],
            button.get("value", ""),
            user=LOCAL_USER,
            channel=self.channel,
            response_url=self.slack.response_url(name),
        )
        self._dispatch(body, "application/x-www-form-urlencoded")

    def _dispatch(self, body: str, content_type: str) -> None:
        response = self.app.dispatch(
            BoltRequest(body=body, headers=self.requests.headers(body, content_type))
        )
        if response.status != 200:
            self.out.print(f"(Slack would have shown an error: HTTP {response.status})")
        elif response.body:
            self._show(_ack_message(response.body), "only you can see this")
        self._show_activity()

    # --- output ------------------------------------------------------------------

    def _show_activity(self) -> None:
        """Everything the app sent to the stand-in since the last line."""
        posted = self.slack.posted(self.channel)
        for message in posted[self._seen.messages.get(self.channel, 0) :]:
            where = "in the thread" if message.is_reply else f"in #{self.channel.lower()}"
            self._show(SlackMessage(message.text, message.blocks), f"sitrep {where}")
        self._seen.messages[self.channel] = len(posted)
        responses = self.slack.responses()
        for response in responses[self._seen.responses :]:
            label = (
                f"sitrep in #{self.channel.lower()}"
                if response.response_type == "in_channel"
                else "only you can see this"
            )
            self._show(SlackMessage(response.text, response.blocks), label)
        self._seen.responses = len(responses)
        ephemeral = self.slack.ephemeral()
        for message in ephemeral[self._seen.ephemeral :]:
            self._show(SlackMessage(message.text, message.blocks), "only you can see this")
        self._seen.ephemeral = len(ephemeral)

    def _show(self, message: SlackMessage, label: str) -> None:
        self.out.print(Text(f"── {label} ", style="dim") + Text("─" * 30, style="dim"))
        self.out.print(styled(message_to_text(message)))
        buttons = [
            element
            for block in message.blocks
            if block.get("type") == "actions"
            for element in block.get("elements", [])
            if element.get("type") == "button"
        ]
        if buttons:
            self._buttons = buttons

    def _last_sitrep_post(self) -> Any:
        own = [m for m in self.slack.top_level(self.channel) if m.user == BOT_USER]
        return own[-1] if own else None


def _ack_message(body: str) -> SlackMessage:
    try:
        payload = json.loads(body)
    except json.JSONDecodeError:
        return SlackMessage(body)
    return SlackMessage(payload.get("text", ""), tuple(payload.get("blocks", ())))


@contextmanager
def shell_workspace(
    settings: Settings, store: Store, extractor: Extractor, out: Console
) -> Iterator[ShellWorkspace]:
    """A running local workspace on `store`; the stand-in stops when the block ends."""
    with SlackStandIn(
        users=[StandInUser(LOCAL_USER, "you", is_admin=True)],
        team_id=LOCAL_TEAM,
        team_name="local shell workspace",
        bot_user_id=BOT_USER,
    ) as slack:
        secret = secrets.token_hex(16)  # made up per session: the requests are signed with it
        local = settings.model_copy(
            update={
                "slack_bot_token": SecretStr(slack.token or "xoxb-local"),
                "slack_signing_secret": SecretStr(secret),
                "slack_api_base_url": slack.base_url,
                "slack_max_attempts": 2,
            }
        )
        app = build_app(local, store, extractor, process_before_response=True)
        requests = SlackRequests(secret, team_id=LOCAL_TEAM, bot_user_id=BOT_USER)
        yield ShellWorkspace(app, slack, requests, out)


def script_lines(path: Path) -> Iterable[str]:
    """The lines of a shell script: one line as typed per line; # starts a comment."""
    return path.read_text(encoding="utf-8").splitlines()


def interactive_lines(out: Console) -> Iterator[str]:
    out.print(HELP, markup=False, highlight=False)
    while True:
        try:
            yield out.input("[bold]you[/bold] › ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            return


def run_lines(workspace: ShellWorkspace, lines: Iterable[str], *, echo: bool) -> None:
    for line in lines:
        if echo and line.strip() and not line.lstrip().startswith("#"):
            workspace.out.print(Text(f"\nyou › {line.strip()}", style="bold cyan"))
        if not workspace.run_line(line):
            return
