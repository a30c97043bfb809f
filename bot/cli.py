"""The `sitrep` command."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from slack_sdk import WebClient

from bot.cli_schedules import LOCAL_TEAM, schedule_group
from bot.delivery import Deliverer, DeliveryRefused, DeliveryResult
from bot.digest_jobs import manual_period, post_digest, start_clock
from bot.shell import interactive_lines, run_lines, script_lines, shell_workspace
from bot.slack_client import make_web_client
from digests.channel_digest import prepare_digest, template_environment
from digests.compose import WindowError, parse_since
from digests.documents import JSONL_SUFFIXES, LoadFailure, expand_sources, load_sources
from digests.extract.actors import ActorsError
from digests.extract.lexicon import LexiconError
from digests.extract.model import Extraction
from digests.extract.pipeline import Extractor, extraction_to_json, load_extractor
from digests.extract.watchlist import WatchlistError
from digests.follow_ups import ThreadContext, thread_claims
from digests.ingest import IngestOutcome, IngestSummary, ingest, reextract
from digests.plaintext import message_to_text
from digests.qa.answer import ThreadClaims, answer_question
from digests.qa.choice import AnswerWeightsError
from digests.qa.reply import render_answer
from digests.qa.vocabulary import VocabularyError, load_vocabulary
from digests.resources import demo_script, example_documents_dir
from digests.schedules import describe
from digests.settings import Settings, SettingsError, load_settings
from digests.store.documents import (
    DocumentSummary,
    count_documents,
    documents_by_id,
    recent_documents,
)
from digests.store.engine import Store, StoreError, newest_revision, open_store, schema_revision
from digests.store.runs import get_run, recent_runs
from digests.store.search import search
from digests.store.status import StoreCounts, store_counts

# Exit statuses: 0 all went well, 1 some input failed, 2 sitrep cannot run as configured.
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
_PROGRESS_THRESHOLD = 200  # documents; smaller batches finish before a bar helps

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Context:
    """What every subcommand needs: the settings, read once when first asked for."""

    def __init__(self, config_path: Path | None) -> None:
        self._config_path = config_path
        self._settings: Settings | None = None
        self._extractor: Extractor | None = None

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            vocabulary = self.settings.vocabulary_dir
            assert vocabulary is not None  # filled in by the settings
            self._extractor = load_extractor(vocabulary)
        return self._extractor

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self._config_path)
            logging.basicConfig(
                level=self._settings.log_level,
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            )
            # Alembic narrates every migration at INFO; only its problems matter here.
            logging.getLogger("alembic").setLevel(logging.WARNING)
        return self._settings

    @contextmanager
    def store(self, url: str | None = None) -> Iterator[Store]:
        store = open_store(
            url or self.settings.store_url,
            busy_timeout_ms=self.settings.sqlite_busy_timeout_ms,
        )
        try:
            yield store
        finally:
            store.close()


def _fail(message: str, status: int = EXIT_USAGE) -> None:
    _err.print(f"sitrep: {message}", markup=False)
    sys.exit(status)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file overriding config/default.toml (also $SITREP_CONFIG).",
)
@click.pass_context
def cli(context: click.Context, config_path: Path | None) -> None:
    """sitrep: armed groups and the claims made about them, for your team's Slack."""
    context.obj = _Context(config_path)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the summary.")
@click.pass_obj
def ingest_command(context: _Context, paths: tuple[str, ...], quiet: bool) -> None:
    """Store the documents in PATHS: files, folders (recursively) and feed URLs.

    Reads .txt, .md (with front matter), .html, .json, .jsonl and RSS/Atom feeds
    (.rss, .atom, .xml files or http(s) URLs). Exits 1 when some input failed.
    """
    settings = context.settings
    extractor = context.extractor
    with context.store() as store:
        summary = _ingest_paths(store, settings, extractor, paths, quiet=quiet)
    _out.print(summary.line, markup=False)
    if summary.failed:
        sys.exit(EXIT_SOME_FAILED)


def _ingest_paths(
    store: Store, settings: Settings, extractor: Extractor, paths: Sequence[str], *, quiet: bool
) -> IngestSummary:
    results = load_sources(
        paths,
        max_bytes=settings.max_document_bytes,
        feed_timeout=settings.feed_timeout_seconds,
    )
    expected = _expected_documents(paths)
    show_bar = _err.is_terminal and expected >= _PROGRESS_THRESHOLD
    progress = Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_err,
        transient=True,
        disable=not show_bar,
    )
    task = progress.add_task("ingest", total=expected)

    def report(outcome: IngestOutcome) -> None:
        progress.advance(task)
        if outcome.kind == "failed":
            progress.console.print(f"failed: {outcome.where}: {outcome.detail}", markup=False)
        elif not quiet and outcome.kind == "duplicate":
            progress.console.print(f"duplicate: {outcome.where}: {outcome.detail}", markup=False)

    with progress:
        return ingest(
            store,
            results,
            batch_size=settings.ingest_batch_size,
            on_outcome=report,
            extractor=extractor,
        )


def _expected_documents(paths: Sequence[str]) -> int:
    """About how many documents `paths` hold, for the progress bar: one per file or line."""
    total = 0
    for source in expand_sources(paths):
        if isinstance(source, LoadFailure):
            continue
        if Path(source).suffix.lower() in JSONL_SUFFIXES:
            with Path(source).open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


@cli.command("status")
@click.pass_obj
def status_command(context: _Context) -> None:
    """Where the store is and what it holds."""
    with context.store() as store:
        _print_status(store)


def _print_status(store: Store) -> None:
    counts = store_counts(store)
    revision = schema_revision(store)
    up_to_date = "up to date" if revision == newest_revision() else "needs `sitrep db upgrade`"
    latest = (
        f" (latest ingested {counts.latest_ingested:%Y-%m-%d %H:%M} UTC)"
        if counts.latest_ingested
        else ""
    )
    rows = [
        ("store", f"{store.url} (schema {revision}, {up_to_date})"),
        ("documents", f"{counts.documents}{latest}"),
        ("groups", str(counts.groups)),
        ("mentions", str(counts.mentions)),
        ("claims", str(counts.claims)),
        ("digest runs", _runs_summary(counts)),
    ]
    rows += [
        ("", f"failed: run {run_id} to {channel}: {error} (`sitrep digest --resend {run_id}`)")
        for run_id, channel, error in counts.failed_runs
    ]
    if not counts.schedules:
        rows.append(("schedules", "none"))
    for number, schedule in enumerate(counts.schedules):
        state = f"paused: {schedule.pause_reason or 'by a user'}" if schedule.paused else "active"
        rows.append(
            (
                "schedules" if number == 0 else "",
                f"{schedule.channel_id}  {describe(schedule.cron)} ({schedule.timezone})  {state}",
            )
        )
    for label, value in rows:
        _out.print(f"{label:<12} {value}", markup=False)


def _runs_summary(counts: StoreCounts) -> str:
    if not counts.digest_runs:
        return "0"
    by_status = ", ".join(f"{number} {status}" for status, number in counts.runs_by_status)
    return f"{counts.digest_runs} ({by_status})"


@cli.command("docs")
@click.option("--limit", "-n", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--search", "-s", "words", help="Only documents containing these words.")
@click.pass_obj
def docs_command(context: _Context, limit: int, words: str | None) -> None:
    """The most recently ingested documents (or those matching --search)."""
    with context.store() as store:
        if words:
            hits = search(store, words, target="documents", limit=limit)
            documents = documents_by_id(store, [hit.id for hit in hits])
            if not documents:
                _out.print(f"no document contains all of: {words}", markup=False)
                return
        else:
            documents = recent_documents(store, limit)
            if not documents:
                _out.print("the store has no documents yet; add some with `sitrep ingest PATH`")
                return
    _print_documents(documents)


def _print_documents(documents: Sequence[DocumentSummary]) -> None:
    _out.print("   id  ingested    published   words  title (outlet)", markup=False)
    for document in documents:
        published = f"{document.published:%Y-%m-%d}" if document.published else "-"
        outlet = f"  ({document.outlet})" if document.outlet else ""
        _out.print(
            f"{document.id:>5}  {document.ingested_at:%Y-%m-%d}  {published:<10}  "
            f"{document.word_count:>5}  {document.title}{outlet}",
            markup=False,
        )


@cli.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document per line.")
@click.pass_obj
def extract_command(context: _Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Print the groups and claims of the documents in PATHS (nothing is stored)."""
    settings = context.settings
    extractor = context.extractor
    failed = 0
    for item in load_sources(
        paths, max_bytes=settings.max_document_bytes, feed_timeout=settings.feed_timeout_seconds
    ):
        if isinstance(item, LoadFailure):
            failed += 1
            _err.print(f"failed: {item.where}: {item.reason}", markup=False)
            continue
        extraction = extractor.extract(item.text)
        document_id = item.external_id or item.where
        if as_json:
            line = json.dumps(extraction_to_json(document_id, item.title, extraction))
            _out.print(line, markup=False, soft_wrap=True)
        else:
            _print_extraction(document_id, item.title, extraction)
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def _print_extraction(document_id: str, title: str, extraction: Extraction) -> None:
    _out.print(f"{document_id}: {title}", markup=False)
    groups = ", ".join(f"{g.name} ({g.short}) x{g.mentions}" for g in extraction.groups)
    _out.print(f"  groups: {groups or 'none'}", markup=False)
    for claim in extraction.claims:
        source = claim.claimant or "(unnamed source)"
        if claim.claimant_role or claim.claimant_org:
            details = ", ".join(part for part in (claim.claimant_role, claim.claimant_org) if part)
            source += f" [{details}]"
        about = f" about {', '.join(claim.about)}" if claim.about else ""
        _out.print(f"  {claim.stance}: {source} {claim.cue}{about}:", markup=False)
        _out.print(f"      {claim.text}", markup=False)
        extras = [
            f"{label}: {', '.join(values)}"
            for label, values in (
                ("hedges", claim.hedges),
                ("evidence", claim.evidence),
                ("numbers", claim.numbers),
                ("places", claim.places),
            )
            if values
        ]
        if extras:
            _out.print(f"      ({'; '.join(extras)})", markup=False)
    _out.print()


@cli.command("reextract")
@click.pass_obj
def reextract_command(context: _Context) -> None:
    """Extract groups and claims from every stored document again (after editing config/)."""
    settings = context.settings
    extractor = context.extractor
    with context.store() as store:
        total = count_documents(store)
        progress = Progress(
            TextColumn("re-extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=_err,
            transient=True,
            disable=not (_err.is_terminal and total >= _PROGRESS_THRESHOLD),
        )
        task = progress.add_task("reextract", total=total)
        with progress:
            summary = reextract(
                store,
                extractor,
                batch_size=settings.ingest_batch_size,
                on_batch=lambda done: progress.advance(task, done),
            )
    _out.print(summary.line, markup=False)


@cli.command("digest")
@click.option("--preview", is_flag=True, help="Print the digest instead of posting it.")
@click.option("--channel", help="The channel whose digest it is (its watched groups, window).")
@click.option("--team", default=LOCAL_TEAM, show_default=True, help="Slack team (workspace) id.")
@click.option("--since", help="Start of the window: 24h, 90m, 7d, 2026-11-01 or an ISO time.")
@click.option("--json", "as_json", is_flag=True, help="Block Kit JSON, for Block Kit Builder.")
@click.option("--resend", "resend_run", type=int, metavar="RUN", help="Post a failed run again.")
@click.pass_obj
def digest_command(
    context: _Context,
    preview: bool,
    channel: str | None,
    team: str,
    since: str | None,
    as_json: bool,
    resend_run: int | None,
) -> None:
    """Preview a digest, post one to a channel now, or re-send a failed one.

    \b
      sitrep digest --preview                  what came in over the last day
      sitrep digest --preview --channel C0123  as channel C0123 would get it now
      sitrep digest --channel C0123            post it to C0123 (needs SLACK_BOT_TOKEN)
      sitrep digest --resend 42                post failed run 42 again (see `sitrep runs`)
    """
    settings = context.settings
    now = datetime.now(UTC)
    if resend_run is not None:
        _resend(context, resend_run)
        return
    try:
        start = parse_since(since, now) if since else None
    except WindowError as error:
        _fail(str(error))
    if not preview:
        if channel is None:
            _fail("say which channel to post to with --channel, or use --preview")
        _post_now(context, team, channel, now)
        return
    with context.store() as store:
        prepared = prepare_digest(
            store, settings, team_id=team, channel_id=channel, now=now, since=start
        )
    if prepared.rendered is None:
        window = prepared.digest.window
        _out.print(
            f"nothing new between {window.start:%Y-%m-%d %H:%M} and "
            f"{window.end:%Y-%m-%d %H:%M} UTC; try a longer --since",
            markup=False,
        )
        return
    messages = [prepared.rendered.main, *prepared.rendered.thread]
    if as_json:
        for message in messages:
            payload = {"blocks": list(message.blocks), "text": message.text}
            _out.print(json.dumps(payload, ensure_ascii=False), markup=False, soft_wrap=True)
        return
    _out.print(message_to_text(prepared.rendered.main), markup=False)
    for number, reply in enumerate(prepared.rendered.thread, start=1):
        _out.print(f"\n── thread reply {number} " + "─" * 20, markup=False)
        _out.print(message_to_text(reply), markup=False)


def _web_client(context: _Context) -> WebClient:
    if context.settings.slack_bot_token is None:
        _fail("set SLACK_BOT_TOKEN in the environment to post to Slack")
    return make_web_client(context.settings)


def _post_now(context: _Context, team: str, channel: str, now: datetime) -> None:
    client = _web_client(context)
    with context.store() as store:
        result = post_digest(
            store,
            context.settings,
            client,
            team_id=team,
            channel_id=channel,
            period=manual_period(now),
            trigger="manual",
            window_end=now,
        )
    _report_delivery(result, channel)


def _resend(context: _Context, run_id: int) -> None:
    client = _web_client(context)
    with context.store() as store:
        try:
            result = Deliverer(store, client).resend(run_id)
        except DeliveryRefused as refused:
            _fail(str(refused))
    _report_delivery(result, f"run {run_id}")


def _report_delivery(result: DeliveryResult | None, what: str) -> None:
    if result is None:
        _out.print(f"nothing new for {what}: no digest posted", markup=False)
    elif result.status == "posted":
        _out.print(f"posted the digest of {what} (run {result.run_id}, ts {result.ts})")
    elif result.status == "already_claimed":
        _out.print(f"the digest of {what} for this minute was already posted (run {result.run_id})")
    else:
        detail = f": {result.error}" if result.error else ""
        when = "; it will be tried again" if result.status == "retry_later" else ""
        _fail(
            f"the digest of {what} was not posted (run {result.run_id}){detail}{when}",
            EXIT_SOME_FAILED,
        )


@cli.command("ask")
@click.argument("question")
@click.option(
    "--thread",
    "run_id",
    type=int,
    help="Ask in the thread of this digest run (see `sitrep runs`): 'that' means its claims.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one line of JSON.")
@click.pass_obj
def ask_command(context: _Context, question: str, run_id: int | None, as_json: bool) -> None:
    """Answer QUESTION from the stored documents, citing them; or say it cannot.

    Exits 1 when the documents do not answer it (the closest claims are shown instead).
    """
    settings = context.settings
    extractor = context.extractor
    assert settings.vocabulary_dir is not None  # filled in by the settings
    vocabulary = load_vocabulary(settings.vocabulary_dir)
    with context.store() as store:
        thread = ThreadClaims()
        if run_id is not None:
            run = get_run(store, run_id)
            if run is None:
                _fail(f"no digest run {run_id}; `sitrep runs` lists them")
            thread = thread_claims(
                store,
                settings,
                ThreadContext(run=run),
                vocabulary=vocabulary,
                actors=extractor.actors,
            )
        answer = answer_question(
            store, question, vocabulary=vocabulary, actors=extractor.actors, thread=thread
        )
        if as_json:
            line = json.dumps(answer.as_json(), ensure_ascii=False)
            _out.print(line, markup=False, soft_wrap=True)
        else:
            message = render_answer(answer, template_environment(settings))
            _out.print(message_to_text(message), markup=False)
    if answer.text is None:
        sys.exit(EXIT_SOME_FAILED)


@cli.command("runs")
@click.option("--limit", "-n", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.pass_obj
def runs_command(context: _Context, limit: int) -> None:
    """The latest digest runs: id, channel, period, status, and what went wrong."""
    with context.store() as store:
        runs = recent_runs(store, limit=limit)
    if not runs:
        _out.print("no digest runs yet", markup=False)
        return
    _out.print("   id  channel      period                     status    posted / error")
    for run in runs:
        detail = run.error or (
            f"{run.posted_at:%Y-%m-%d %H:%M} ts {run.ts}" if run.posted_at else ""
        )
        _out.print(
            f"{run.id:>5}  {run.channel_id:<11}  {run.period:<25}  {run.status:<8}  {detail}",
            markup=False,
        )


@cli.command("clock")
@click.pass_obj
def clock_command(context: _Context) -> None:
    """Run the channels' digest schedules until stopped (the Procfile's clock process)."""
    client = _web_client(context)
    with context.store() as store:
        scheduler = start_clock(store, context.settings, client)
        _err.print(f"sitrep clock: {len(scheduler.jobs())} schedules; stop with Ctrl-C")
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        stop.wait()
        scheduler.shutdown()


@cli.command("serve")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    envvar="PORT",
    default=3000,
    show_default=True,
    help="Port to listen on (also $PORT).",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")  # noqa: S104 (a web process serves every interface)
@click.pass_obj
def serve_command(context: _Context, port: int, host: str) -> None:
    """Run the Slack app in HTTP mode (the Procfile's web process).

    Slack sends events, slash commands and button clicks to POST /slack/events;
    GET /healthz answers "ok". Needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.
    """
    from bot.serve import HTTP_VARIABLES, missing_variables, serve_http

    settings = context.settings
    _require_variables(missing_variables(settings, HTTP_VARIABLES), "serve")
    _check_answer_files(settings)
    with context.store():
        pass  # opened once here, so a store problem stops the command before any worker starts
    _err.print(f"sitrep serve: listening on {host}:{port}; Slack posts to /slack/events")
    serve_http(settings, lambda: context.extractor, host=host, port=port)


@cli.command("run")
@click.pass_obj
def run_command(context: _Context) -> None:
    """Run the Slack app over Socket Mode, with the digest schedules (no public URL needed).

    Needs SLACK_APP_TOKEN (an app-level token with connections:write) and SLACK_BOT_TOKEN.
    """
    from bot.serve import SOCKET_MODE_VARIABLES, missing_variables, run_socket_mode

    settings = context.settings
    _require_variables(missing_variables(settings, SOCKET_MODE_VARIABLES), "run")
    extractor = context.extractor
    _check_answer_files(settings)
    with context.store() as store:
        _err.print("sitrep run: connecting to Slack over Socket Mode; stop with Ctrl-C")
        run_socket_mode(settings, store, extractor)


def _check_answer_files(settings: Settings) -> None:
    """Read answers.yaml and answer_weights.yaml before serving: a mistake in them stops
    the command with the file named (`main`), not every question later."""
    vocabulary = settings.vocabulary_dir
    assert vocabulary is not None  # filled in by the settings
    load_vocabulary(vocabulary)


def _require_variables(missing: list[str], command: str) -> None:
    if missing:
        _fail(
            f"`sitrep {command}` needs {' and '.join(missing)} in the environment; "
            'README.md, "Running the Slack app", says where to find them'
        )


@cli.group("db")
def db_group() -> None:
    """The store's schema."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade_command(context: _Context) -> None:
    """Bring the store's schema up to date (sitrep also does this on start)."""
    with context.store() as store:
        _out.print(f"{store.url} is at schema {schema_revision(store)} (newest)", markup=False)


@cli.command("demo")
@click.pass_obj
def demo_command(context: _Context) -> None:
    """Ingest the example documents into a fresh demo store, then play a short session in
    the local shell workspace: a digest, a question in its thread, /group, /claim."""
    settings = context.settings
    assert settings.data_dir is not None
    demo_path = settings.data_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        demo_path.with_name(demo_path.name + suffix).unlink(missing_ok=True)
    _out.print(f"Ingesting the example documents into a fresh store, {demo_path}", markup=False)
    with context.store(f"sqlite:///{demo_path}") as store:
        summary = _ingest_paths(
            store, settings, context.extractor, [str(example_documents_dir())], quiet=False
        )
        _out.print(summary.line + "\n", markup=False)
        _print_status(store)
        _out.print()
        _print_documents(recent_documents(store, 20))
        _out.print(
            "\nNow the local shell workspace (`sitrep shell`), typing examples/demo-shell.txt:"
        )
        with shell_workspace(settings, store, context.extractor, _out) as workspace:
            run_lines(workspace, script_lines(demo_script()), echo=True)
    if summary.failed:
        sys.exit(EXIT_SOME_FAILED)


@cli.command("shell")
@click.option(
    "--script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run the lines of FILE as if typed, then stop.",
)
@click.pass_obj
def shell_command(context: _Context, script: Path | None) -> None:
    """sitrep's Slack app in this terminal, on your store, with no Slack workspace needed.

    Type slash commands (/digest now, /group TTP, /claim words), `> question` to reply in
    the thread of sitrep's last post, `@sitrep question`, or `click 1` for a button.
    """
    with (
        context.store() as store,
        shell_workspace(context.settings, store, context.extractor, _out) as workspace,
    ):
        if script is not None:
            run_lines(workspace, script_lines(script), echo=True)
        else:
            run_lines(workspace, interactive_lines(_out), echo=False)


cli.add_command(schedule_group)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command line, turning configuration problems into exit status 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="sitrep")
    except SettingsError as error:
        _fail(f"settings error:\n{error}")
    except StoreError as error:
        _fail(str(error))
    except (
        WatchlistError, LexiconError, ActorsError, VocabularyError, AnswerWeightsError
    ) as error:
        _fail(f"vocabulary error: {error}")


if __name__ == "__main__":
    main()
