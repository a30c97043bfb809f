"""The local shell workspace: typed lines become signed requests to the real App."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from bot.shell import ShellWorkspace, run_lines, shell_workspace, styled
from digests.extract.pipeline import Extractor
from digests.settings import Settings
from digests.store.engine import Store, open_store


@pytest.fixture
def workspace(
    tmp_path: Path, extractor: Extractor, as_slack
) -> Iterator[tuple[ShellWorkspace, io.StringIO]]:
    store: Store = open_store(f"sqlite:///{tmp_path / 'shell.db'}")
    as_slack.ingest_examples(store, extractor)
    screen = io.StringIO()
    console = Console(file=screen, width=140, color_system=None)
    with shell_workspace(Settings(data_dir=tmp_path), store, extractor, console) as shell:
        yield shell, screen
    store.close()


def typed(shell: ShellWorkspace, screen: io.StringIO, *lines: str) -> str:
    screen.seek(0)
    screen.truncate()
    run_lines(shell, lines, echo=True)
    return screen.getvalue()


def test_a_digest_and_a_question_in_its_thread(workspace) -> None:
    shell, screen = workspace
    shown = typed(shell, screen, "/digest now")
    assert "── sitrep in #c0local" in shown
    assert "═══ sitrep digest · " in shown
    assert "Tehrik-i-Taliban Pakistan (TTP)" in shown
    assert len(shell.slack.top_level("C0LOCAL")) == 1
    shown = typed(shell, screen, "> who says India backs the BLA?")
    assert "── sitrep in the thread" in shown
    assert "💡 Shafqat Ali Khan (Foreign Office spokesperson" in shown
    assert "> The spokesperson further alleged that India has been backing" in shown
    [parent] = shell.slack.top_level("C0LOCAL")
    assert [m.user for m in shell.slack.thread("C0LOCAL", parent.ts)][-1] == "U0SITREP"


def test_group_profile_buttons_and_did_you_mean(workspace) -> None:
    shell, screen = workspace
    shown = typed(shell, screen, "/group TTP")
    assert "── only you can see this" in shown
    assert "═══ Tehrik-i-Taliban Pakistan" in shown
    assert "[1] All claims   [2] Watch in this channel" in shown
    shown = typed(shell, screen, "click 1")
    assert "All claims about Tehrik-i-Taliban Pakistan" in shown
    shown = typed(shell, screen, "/group Tehrik-e-Talban")
    assert "Did you mean: Tehrik-i-Taliban Pakistan?" in shown


def test_claims_and_lines_slack_would_not_send(workspace) -> None:
    shell, screen = workspace
    assert "United Nations" in typed(shell, screen, "/claim 6,000 fighters")
    assert "type `help`" in typed(shell, screen, "hello there")
    assert "no sitrep post to reply to yet" in typed(shell, screen, "> anyone?")
    assert "No buttons to click yet" in typed(shell, screen, "click 3")


def test_quit_stops_a_script(workspace) -> None:
    shell, screen = workspace
    shown = typed(shell, screen, "/digest help", "quit", "/group TTP")
    assert "/digest" in shown
    assert "Tehrik-i-Taliban Pakistan" not in shown


def test_mrkdwn_styles() -> None:
    text = styled("*bold* and _italic_ but not 2*3*4 or snake_case_name")
    assert text.plain == "bold and italic but not 2*3*4 or snake_case_name"
    assert [(span.start, span.end, str(span.style)) for span in text.spans] == [
        (0, 4, "bold"),
        (9, 15, "italic"),
    ]


def test_the_shell_command_runs_a_script(sitrep, tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text(
        "Police said the TTP attacked a checkpost in Bannu, killing three officers."
    )
    sitrep("ingest", str(tmp_path / "brief.txt"))
    script = tmp_path / "session.txt"
    script.write_text("# a comment\n/digest now\n/group TTP\n")
    code, out, _ = sitrep("shell", "--script", str(script))
    assert code == 0
    assert "you › /digest now" in out
    assert "Police said the TTP attacked a checkpost" in out or "checkpost" in out
