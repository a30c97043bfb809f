"""Follow-up answers worked out in child processes: the same reply as in the web process,
at a lower CPU priority, and a child that dies or hangs costs one question, not the app.

The children are real (spawned) processes reading a real SQLite store file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from digests.answer_processes import AnswerProcesses
from digests.documents import load_sources
from digests.extract.pipeline import load_extractor
from digests.follow_ups import FollowUp, ThreadContext, work_out_reply
from digests.ingest import ingest
from digests.resources import config_dir, example_documents_dir
from digests.settings import Settings
from digests.store.engine import open_store

NICENESS = 5


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("answers")
    settings = Settings(data_dir=folder)
    store = open_store(settings.store_url)
    sources = load_sources([str(example_documents_dir())], max_bytes=5_000_000, feed_timeout=5)
    ingest(store, sources, extractor=load_extractor(config_dir()))
    store.close()
    return settings


@pytest.fixture
def answers(settings: Settings) -> Iterator[AnswerProcesses]:
    processes = AnswerProcesses(settings, processes=1, niceness=NICENESS, timeout=60)
    yield processes
    processes.close()


def _question(text: str) -> FollowUp:
    return FollowUp(
        team_id="T0SITREP",
        channel_id="C0ASK",
        user_id="U0READER",
        question=text,
        thread_ts="1900000000.000100",
        context=ThreadContext(),
    )


def _children(parent: int | None = None) -> list[int]:
    """The child processes of `parent` (this process: the answering ones, and
    multiprocessing's tracker)."""
    found = []
    for task in Path(f"/proc/{parent or os.getpid()}/task").iterdir():
        with suppress(OSError):  # a thread that ended since
            found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def _answering_child(before: list[int]) -> int:
    [child] = [pid for pid in _children() if pid not in before and _is_answering(pid)]
    return child


def _is_answering(pid: int) -> bool:
    try:
        return "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False  # ended since it was listed


def test_a_child_gives_the_reply_the_web_process_would(
    answers: AnswerProcesses, settings: Settings
) -> None:
    question = _question("who says India backs the BLA?")
    reply = answers.answer(question)
    store = open_store(settings.store_url)
    here = work_out_reply(
        question, store=store, settings=settings, actors=load_extractor(config_dir()).actors
    )
    store.close()
    assert reply.text.startswith(":bulb: Shafqat Ali Khan")
    assert reply == here


@contextmanager
def _answering(settings: Settings, timeout: float = 60) -> Iterator[tuple[AnswerProcesses, int]]:
    """Answering processes that have answered a first question, and their child's pid."""
    before = _children()
    answers = AnswerProcesses(settings, processes=1, niceness=NICENESS, timeout=timeout)
    try:
        answers.answer(_question("source?"))
        yield answers, _answering_child(before)
    finally:
        answers.close()


def test_children_run_at_a_lower_priority(settings: Settings) -> None:
    with _answering(settings) as (_, child):
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, child) == min(mine + NICENESS, 19)


def test_a_killed_child_is_replaced_and_the_question_answered(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with _answering(settings) as (answers, child):
        os.kill(child, signal.SIGKILL)
        reply = answers.answer(_question("who says India backs the BLA?"))
        assert reply.text.startswith(":bulb: Shafqat Ali Khan")
        assert "an answering process died" in caplog.text


def test_a_child_that_does_not_answer_in_time_raises_and_is_replaced(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # Long enough for the child to start and answer a first question on a busy machine.
    with _answering(settings, timeout=5) as (answers, stuck):
        os.kill(stuck, signal.SIGSTOP)  # as a child stuck on one question
        try:
            with pytest.raises(TimeoutError):
                answers.answer(_question("who says India backs the BLA?"))
            assert "no answer within 5 s" in caplog.text
            # Killed and replaced: the next question is not held behind the stuck one.
            reply = answers.answer(_question("who says India backs the BLA?"))
            assert reply.text.startswith(":bulb: Shafqat Ali Khan")
            assert not Path(f"/proc/{stuck}").exists() or _is_zombie(stuck)
        finally:
            with suppress(ProcessLookupError):  # left stopped, it could not end
                os.kill(stuck, signal.SIGCONT)


def _is_zombie(pid: int) -> bool:
    return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


# A web process: starts answering processes, answers once, then waits to be killed.
_WEB_PROCESS = """
import sys, time
from digests.answer_processes import AnswerProcesses
from digests.follow_ups import FollowUp, ThreadContext
from digests.settings import Settings

if __name__ == "__main__":
    answers = AnswerProcesses(
        Settings(data_dir=sys.argv[1]), processes=1, niceness=5, timeout=60
    )
    question = FollowUp("T0", "C0", "U0", "source?", "1.1", ThreadContext())
    print(answers.answer(question).text[:40], flush=True)
    time.sleep(600)
"""


def test_children_end_when_their_web_process_is_killed(
    settings: Settings, tmp_path: Path
) -> None:
    # As gunicorn kills a worker silent past its timeout: no chance to stop its children.
    script = tmp_path / "web.py"
    script.write_text(_WEB_PROCESS)
    assert settings.data_dir is not None
    web = subprocess.Popen(
        [sys.executable, str(script), str(settings.data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert web.stdout is not None
        assert web.stdout.readline().strip()  # answered: its answering child runs
        children = _children(web.pid)
        assert children
    finally:
        web.kill()
        web.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        assert time.monotonic() < deadline, "an answering process outlived its web process"
        time.sleep(0.2)
