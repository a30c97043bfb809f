"""The Slack app end to end, as Slack drives it.

`sitrep serve` runs as a real subprocess (gunicorn) on a free 127.0.0.1 port, with its
Web API pointed at a SlackStandIn and its store a SQLite file holding the example
documents and one hostile document. The tests send correctly signed HTTP requests, as
Slack does, and read what sitrep sent back to the stand-in. The server starts once for
the module; each test uses its own channel so they do not see each other's digests.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from digests.resources import config_dir
from digests.store.engine import open_store
from digests.testing import SlackStandIn

# A document that tries to ping everyone and disguise a link, in its title and claims.
HOSTILE = (
    "Hostile brief <!here>\n\nThe TTP claimed responsibility for the attack on "
    "<https://evil.example/login|bbc.com>, its spokesman Mohammad Khurasani said, adding "
    '"<!channel> we will strike again & again".'
)
_channels = count(1)
_stamps = count(1)


@dataclass
class Server:
    url: str
    slack: SlackStandIn
    process: subprocess.Popen[bytes]
    as_slack: Any
    database: Path

    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        retry: int | None = None,
    ) -> tuple[int, str, float]:
        """POST to /slack/events, signed unless `headers` are given; (status, body, seconds)."""
        headers = headers or self.as_slack.signed_headers(body, content_type, retry=retry)
        request = urllib.request.Request(
            f"{self.url}/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started

    def command(self, command: str, text: str, *, user: str = "U0ADMIN", channel: str) -> Any:
        name = f"e2e{next(_stamps)}"
        body = self.as_slack.command_body(
            command, text, self.slack.response_url(name), user=user, channel=channel
        )
        status, answer, seconds = self.post(body, "application/x-www-form-urlencoded")
        return status, answer, seconds, name

    def ask(self, command: str, text: str, *, channel: str, user: str = "U0ADMIN") -> str:
        status, answer, seconds, name = self.command(command, text, user=user, channel=channel)
        assert (status, answer) == (200, "")
        assert seconds < 3
        return self.as_slack.wait_for(lambda: self.slack.responses(name))[0].text

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry=None) -> int:
        body = self.as_slack.event_body(event, event_id=event_id)
        status, _, seconds = self.post(body, "application/json", retry=retry)
        assert seconds < 3
        return status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sitrep() -> list[str]:
    return [sys.executable, "-c", "from bot.cli import main; main()"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor, as_slack) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("e2e")
    database = folder / "sitrep.db"
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    store = open_store(f"sqlite:///{database}")
    as_slack.ingest_examples(store, extractor, [hostile])
    store.close()
    with SlackStandIn(users=as_slack.users) as slack:
        port = _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SITREP_", "SLACK_"))
        }
        env.update(
            SLACK_SIGNING_SECRET=as_slack.secret,
            SLACK_BOT_TOKEN=slack.token or "xoxb-e2e",
            SLACK_API_BASE_URL=slack.base_url,
            SITREP_DATA_DIR=str(folder),
            SITREP_DATABASE_URL=f"sqlite:///{database}",
            SITREP_SLACK_ADMIN_USER_IDS="U0SITADM",
            SITREP_SLACK_MAX_ATTEMPTS="4",
            SITREP_LOG_LEVEL="WARNING",
        )
        log = (folder / "server.log").open("wb")
        process = subprocess.Popen(
            [*_sitrep(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(url, process, folder / "server.log")
            yield Server(url, slack, process, as_slack, database)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"sitrep serve exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"sitrep serve did not answer /healthz:\n{log.read_text()}")


@pytest.fixture
def channel(server: Server) -> str:
    return f"C0E2E{next(_channels):04d}"


def test_health_check(server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ok")


def test_bad_and_stale_signatures_get_401_and_change_nothing(server: Server, channel) -> None:
    body = server.as_slack.command_body(
        "/digest", "now", server.slack.response_url("forged"), channel=channel
    )
    form = "application/x-www-form-urlencoded"
    good = server.as_slack.signed_headers(body, form)
    forged = {**good, "X-Slack-Signature": "v0=" + "0" * 64}
    stale = server.as_slack.signed_headers(body, form, timestamp=int(time.time()) - 600)
    unsigned = {"Content-Type": form}
    for headers in (forged, stale, unsigned):
        assert server.post(body, form, headers=headers)[0] == 401
    time.sleep(0.3)
    assert server.slack.top_level(channel) == []
    assert server.slack.responses("forged") == []


def test_digest_help_and_errors(server: Server, channel) -> None:
    status, answer, seconds, _ = server.command("/digest", "help", channel=channel)
    assert status == 200 and seconds < 3
    help_text = json.loads(answer)["text"]
    for example in ("/digest now", "/digest preview", "/digest schedule weekdays 09:00"):
        assert example in help_text
    _, answer, _, _ = server.command("/digest", "shedule daily 9:00", channel=channel)
    assert "did you mean `/digest schedule`?" in json.loads(answer)["text"]
    _, answer, _, _ = server.command("/digest", "schedule daily at 25:00", channel=channel)
    assert "Try `/digest schedule weekdays 09:00 Asia/Karachi`" in json.loads(answer)["text"]
    _, answer, _, _ = server.command("/digest", "watch", channel=channel)
    assert "say which groups to watch" in json.loads(answer)["text"]


def test_digest_commands_by_an_admin(server: Server, channel) -> None:
    assert "only you" not in server.ask("/digest", "preview", channel=channel)
    assert "Schedule:* none yet" in server.ask("/digest", "status", channel=channel)
    changed = server.ask("/digest", "schedule weekdays 09:00 Asia/Karachi", channel=channel)
    assert "weekdays at 09:00 (Asia/Karachi)" in changed
    assert "Now watching Tehrik-i-Taliban Pakistan" in server.ask(
        "/digest", "watch Pakistani Taliban", channel=channel
    )
    assert "did you mean Tehrik-i-Taliban Pakistan?" in server.ask(
        "/digest", "watch Tehrik-e-Talban", channel=channel
    )
    assert "paused" in server.ask("/digest", "pause", channel=channel)
    assert "back on" in server.ask("/digest", "resume", channel=channel)
    assert "No longer watching" in server.ask("/digest", "unwatch TTP", channel=channel)
    assert "Posted" in server.ask("/digest", "now", channel=channel)
    assert len(server.slack.top_level(channel)) == 1
    status = server.ask("/digest", "status", channel=channel)
    assert "Last digest:* " in status and "none yet" not in status.split("Last digest")[1]


def test_authorization_refusal(server: Server, channel) -> None:
    server.ask("/digest", "schedule daily 18:30", channel=channel, user="U0OWNER")
    refused = server.ask("/digest", "watch BLA", channel=channel, user="U0READER")
    assert "You cannot change this channel's digest" in refused
    assert "<@U0OWNER>" in refused
    assert "watching" in server.ask("/digest", "watch BLA", channel=channel, user="U0SITADM")


def test_group_and_claim(server: Server, channel) -> None:
    assert "Tehrik-i-Taliban Pakistan" in server.ask("/group", "TTP", channel=channel)
    assert "Tehrik-i-Taliban Pakistan" in server.ask("/group", "Tehrik-e-Talban", channel=channel)
    _, answer, _, _ = server.command("/group", "", channel=channel)
    assert "/group TTP" in json.loads(answer)["text"]
    assert "Shafqat Ali Khan" in server.ask("/claim", "India backs BLA", channel=channel)


def test_thread_follow_up_and_redelivery_answered_once(server: Server, channel) -> None:
    assert "Posted" in server.ask("/digest", "now", channel=channel)
    [digest] = server.slack.top_level(channel)
    ours = server.slack.bot_user_id

    def answers() -> list:
        return [m for m in server.slack.thread(channel, digest.ts) if m.user == ours and m.is_reply]

    before = len(answers())
    event = {
        "type": "message",
        "channel": channel,
        "user": "U0READER",
        "text": "how many fighters?",
        "ts": "1900000001.000100",
        "thread_ts": digest.ts,
    }
    assert server.event(event, event_id="Ev0E2EONCE") == 200
    server.as_slack.wait_for(lambda: len(answers()) > before)
    for retry in (1, 2):
        assert server.event(event, event_id="Ev0E2EONCE", retry=retry) == 200
    time.sleep(0.5)
    [answer] = answers()[before:]
    # The digest's documents first: the seed article's UN figure.
    assert answer.text.startswith(":bulb: around 6,000.")


def test_mention_outside_a_thread(server: Server, channel) -> None:
    mention = {
        "type": "app_mention",
        "channel": channel,
        "user": "U0READER",
        "text": f"<@{server.slack.bot_user_id}> who says India backs the BLA?",
        "ts": "1900000002.000100",
    }
    assert server.event(mention) == 200
    [answer] = server.as_slack.wait_for(lambda: server.slack.thread(channel, "1900000002.000100"))
    assert answer.text.startswith(":bulb: Shafqat Ali Khan (Foreign Office spokesperson")


def test_hostile_document_text_is_never_posted_unescaped(server: Server, channel) -> None:
    assert "Posted" in server.ask("/digest", "now", channel=channel)
    posted = server.slack.posted(channel)
    preview = server.ask("/digest", "preview", channel=channel)
    profile = server.ask("/group", "TTP", channel=channel)
    matches = server.ask("/claim", "strike again", channel=channel)
    everything = (
        [m.text for m in posted]
        + [json.dumps(m.blocks) for m in posted]
        + [preview, profile, matches]
    )
    assert any("evil.example" in text for text in everything)  # it is shown, escaped
    assert any("&lt;!channel&gt;" in text for text in everything)
    for text in everything:
        assert "<!channel>" not in text and "<!here>" not in text
        assert "<https://evil.example" not in text


def test_stays_up_when_slack_answers_429_and_500(server: Server, channel) -> None:
    server.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    server.slack.fail_next("chat.postMessage", status=500, after=1)
    assert "Posted" in server.ask("/digest", "now", channel=channel)
    assert len(server.slack.top_level(channel)) == 1
    # Slack keeps failing past the retries: the person is told, the server stays up.
    server.slack.fail_next("users.info", status=500, times=4)  # every attempt
    refused = server.ask("/digest", "pause", channel=channel, user="U0READER")
    assert "You cannot change" in refused
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
        assert response.status == 200
    assert server.process.poll() is None


@pytest.mark.parametrize(
    ("command", "variables", "missing"),
    [
        ("serve", {"SLACK_BOT_TOKEN": "xoxb-x"}, "SLACK_SIGNING_SECRET"),
        ("serve", {}, "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN"),
        ("run", {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}, "SLACK_APP_TOKEN"),
    ],
)
def test_missing_tokens_stop_with_a_clear_message(tmp_path, command, variables, missing) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITREP_", "SLACK_"))}
    env.update(variables, SITREP_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [*_sitrep(), command], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert f"`sitrep {command}` needs {missing} in the environment" in done.stderr
    assert "xoxb-x" not in done.stderr + done.stdout


@pytest.mark.parametrize("command", ["serve", "run"])
def test_a_broken_answer_weights_file_stops_the_app_before_it_starts(
    tmp_path, command
) -> None:
    vocabulary = tmp_path / "vocabulary"
    vocabulary.mkdir()
    for name in ("groups.yaml", "lexicon.yaml", "actors.yaml", "answers.yaml"):
        (vocabulary / name).write_text((config_dir() / name).read_text())
    (vocabulary / "answer_weights.yaml").write_text("weights: {fact: high}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITREP_", "SLACK_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", SLACK_APP_TOKEN="xapp-x",
        SITREP_DATA_DIR=str(tmp_path), SITREP_VOCABULARY_DIR=str(vocabulary),
    )
    done = subprocess.run(
        [*_sitrep(), command, *(["--port", str(_free_port())] if command == "serve" else [])],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert "answer_weights.yaml: fact must be a number" in done.stderr
    assert "Traceback" not in done.stderr
    assert "listening" not in done.stderr and "connecting" not in done.stderr
    assert "xoxb-x" not in done.stderr + done.stdout
