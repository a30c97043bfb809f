"""Property-based tests: whatever people type or feed in, sitrep answers with a clear error
or a result, never a crash, and escapes what it shows."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digests.commands import CommandError, parse_digest, parse_lookup
from digests.compose import WindowError, parse_since
from digests.documents import LoadedDocument, LoadFailure, load_sources, normalise_text
from digests.extract.watchlist import load_watchlist
from digests.qa.question import read_question
from digests.qa.vocabulary import load_vocabulary
from digests.render import escape_mrkdwn
from digests.resources import config_dir
from digests.schedules import ScheduleError, check_timezone, parse_when
from digests.store.groups import GroupRecord

texts = st.text(max_size=300)
quick = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(texts)
def test_digest_command_text_parses_or_says_why(text: str) -> None:
    try:
        request = parse_digest(text)
    except CommandError as error:
        assert str(error)
    else:
        assert request.action


@quick
@given(st.sampled_from(["/group", "/claim"]), texts)
def test_lookups_never_crash(command: str, text: str) -> None:
    try:
        parse_lookup(command, text)
    except CommandError as error:
        assert str(error)


@quick
@given(texts)
def test_schedule_forms_parse_or_say_why(text: str) -> None:
    try:
        cron = parse_when(text)
    except ScheduleError as error:
        assert "try" in str(error) or str(error)
    else:
        assert parse_when(cron) == cron  # normalised forms stay as they are


@quick
@given(texts)
def test_time_zones_are_known_or_refused(text: str) -> None:
    try:
        check_timezone(text)
    except ScheduleError as error:
        assert str(error)


@quick
@given(texts)
def test_since_parses_or_says_why(text: str) -> None:
    from datetime import UTC, datetime

    try:
        parse_since(text, datetime.now(UTC))
    except WindowError as error:
        assert str(error)


@quick
@given(st.text(max_size=500))
def test_escaped_text_can_never_open_slack_markup(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert "&" not in escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


@quick
@given(st.text(max_size=500))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@quick
@given(
    st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".xml"]),
    st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
)
@example(".jsonl", b"\t")  # once neither loaded nor reported
def test_any_file_is_loaded_or_reported(tmp_path_factory, suffix: str, content: bytes) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / f"input{suffix}"
    path.write_bytes(content)
    results = list(load_sources([str(path)], max_bytes=10_000))
    assert results
    for result in results:
        assert isinstance(result, LoadedDocument | LoadFailure)
        if isinstance(result, LoadFailure):
            assert result.reason
        else:
            assert result.text.strip()
            assert normalise_text(result.text) == result.text


@quick
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "text", "title", "published"]),
            st.one_of(st.text(max_size=40), st.integers(), st.none()),
        ),
        max_size=5,
    )
)
def test_json_lines_of_any_shape_are_loaded_or_reported(
    tmp_path_factory, objects: list[dict]
) -> None:
    path = Path(tmp_path_factory.mktemp("jsonl")) / "batch.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in objects))
    results = list(load_sources([str(path)], max_bytes=10_000))
    for result in results:
        if isinstance(result, LoadFailure):
            assert result.location.startswith("line ") or result.reason == "empty file"


QUESTION_WORDS = st.sampled_from(
    ["who", "how many", "where", "when", "is that disputed", "source?", "the second one",
     "TTP", "BLA's", "al shabab", "<!channel>", "\u202e", "6,000", "", "?", "Kandahar"]
)


@cache
def _watchlist_groups() -> list[GroupRecord]:
    watchlist = load_watchlist(config_dir() / "groups.yaml")
    return [GroupRecord(1, e.name, e.short, e.kind, e.aliases, True) for e in watchlist.groups]


@quick
@given(st.lists(st.one_of(QUESTION_WORDS, texts), max_size=6).map(" ".join))
def test_any_question_is_read_without_a_crash(text: str) -> None:
    question = read_question(text, _watchlist_groups(), load_vocabulary(config_dir()))
    assert question.text == " ".join(text.split())
    assert all(term == term.lower() and term.strip() for term in question.terms)
