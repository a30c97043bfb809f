"""Working out follow-up answers in processes of their own, at a lower CPU priority.

A question asked for the first time costs tens of milliseconds of CPU; acknowledging a
Slack request costs about one, and Slack gives up on an ack after three seconds. Worked
out in the web process's own threads, a burst of new questions holds the interpreter
while acks wait for it. Worked out in child processes with a higher niceness, the
answers take the CPU the acks leave: the operating system runs a web process's ack first
whenever both are ready, and an answer's interpreter is not the ack's.

Each child opens the store and reads the vocabulary once, keeps its own results (a
thread's claims), and answers one question at a time. A child that dies (killed, out of
memory) is replaced and the question asked again once; a question that kills its child
twice raises, and the caller says so. So does one taking longer than `timeout` seconds,
and its children are killed and replaced: stuck on it, they would hold every later
question behind it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.queues import SimpleQueue

from jinja2 import Environment

from digests.channel_digest import template_environment
from digests.extract.actors import Actors
from digests.extract.pipeline import load_extractor
from digests.follow_ups import FollowUp, work_out_reply
from digests.messages import SlackMessage
from digests.resources import config_dir
from digests.result_cache import ResultCache
from digests.settings import Settings
from digests.store.engine import Store, open_store

log = logging.getLogger("sitrep.answers")

_PARENT_CHECK_SECONDS = 1.0


class AnswerProcesses:
    """`processes` child processes answering follow-up questions, `niceness` below the
    caller's priority. Thread-safe; `close` stops them."""

    def __init__(
        self, settings: Settings, *, processes: int, niceness: int, timeout: float
    ) -> None:
        self._settings = settings
        self._processes = processes
        self._niceness = niceness
        self._timeout = timeout
        self._lock = threading.Lock()
        self._pool = self._started()

    def answer(self, follow_up: FollowUp) -> SlackMessage:
        """The reply to `follow_up`, worked out by a child process."""
        for attempt in (1, 2):
            with self._lock:
                pool = self._pool
            try:
                return pool.executor.submit(_work_out, follow_up).result(timeout=self._timeout)
            except BrokenProcessPool:
                log.warning("an answering process died (attempt %d); starting another", attempt)
                self._replace(pool)
            except TimeoutError:
                # A child stuck on one question would hold every later one behind it.
                log.warning(
                    "no answer within %.0f s; the answering processes are restarted",
                    self._timeout,
                )
                self._replace(pool, kill=True)
                raise
        raise RuntimeError("the answering processes died twice on one question")

    def close(self) -> None:
        with self._lock:
            self._pool.executor.shutdown(wait=False, cancel_futures=True)

    def _started(self) -> _Pool:
        # "spawn": the web process runs threads, and a fork would copy their locks.
        context = multiprocessing.get_context("spawn")
        started = context.SimpleQueue()
        executor = ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=context,
            initializer=_start_child,
            # An answer needs no Slack token: the worker posts it.
            initargs=(
                self._settings.model_copy(
                    update=dict.fromkeys(
                        ("slack_bot_token", "slack_signing_secret", "slack_app_token")
                    )
                ),
                self._niceness,
                started,
            ),
        )
        for _ in range(self._processes):
            executor.submit(_ready)  # started now, not by the first question
        return _Pool(executor, started)

    def _replace(self, broken: _Pool, *, kill: bool = False) -> None:
        with self._lock:
            if self._pool is broken:  # not already replaced by another thread
                if kill:
                    broken.kill()
                broken.executor.shutdown(wait=False, cancel_futures=True)
                self._pool = self._started()


@dataclass(frozen=True, slots=True)
class _Pool:
    """The executor, and the queue its children put their process ids on as they start."""

    executor: ProcessPoolExecutor
    started: SimpleQueue[int]

    def kill(self) -> None:
        """SIGKILL every child started so far; called once, under AnswerProcesses' lock."""
        while not self.started.empty():
            with suppress(ProcessLookupError):  # ended already
                os.kill(self.started.get(), signal.SIGKILL)


# --- In the child ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Child:
    store: Store
    settings: Settings
    actors: Actors
    environment: Environment
    results: ResultCache


_child: _Child | None = None


def _start_child(settings: Settings, niceness: int, started: SimpleQueue[int]) -> None:
    global _child
    os.nice(niceness)
    _end_with_parent(os.getppid())
    started.put(os.getpid())
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = open_store(settings.store_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    _child = _Child(
        store=store,
        settings=settings,
        actors=load_extractor(settings.vocabulary_dir or config_dir()).actors,
        environment=template_environment(settings),
        results=ResultCache(
            store, size=settings.result_cache_size, seconds=settings.result_cache_seconds
        ),
    )


def _end_with_parent(parent: int) -> None:
    """Exit once the web process is gone: a worker killed (gunicorn's timeout, SIGKILL)
    does not close the queue its children wait on, and they would wait for ever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="sitrep-parent-watch", daemon=True).start()


def _ready() -> None:
    """Nothing: submitted once per child so that it starts before the first question."""


def _work_out(follow_up: FollowUp) -> SlackMessage:
    assert _child is not None, "started by _start_child"
    return work_out_reply(
        follow_up,
        store=_child.store,
        settings=_child.settings,
        actors=_child.actors,
        environment=_child.environment,
        results=_child.results,
    )
