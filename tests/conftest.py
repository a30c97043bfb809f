"""Shared fixtures: isolated settings, and stores on SQLite and (where it runs) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from digests.documents import LoadedDocument
from digests.extract.model import Claim, Extraction, FoundGroup, GroupMention
from digests.extract.watchlist import Watchlist
from digests.store.documents import save_documents
from digests.store.engine import Store, open_store
from digests.store.models import Document

POSTGRESQL_URL = os.environ.get(
    "TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test reads the user's settings or writes to the user's data directory."""
    for name in list(os.environ):
        if name.startswith(("SITREP_", "SLACK_")):
            monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SITREP_DATA_DIR", str(data_dir))
    return data_dir


def _postgresql_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    try:
        engine = create_engine(POSTGRESQL_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except ModuleNotFoundError:
        return "psycopg is not installed (pip install 'sitrep[postgresql]')"
    except OperationalError as error:
        first_line = str(error.orig).strip().splitlines()[0]
        return (
            f"PostgreSQL is not reachable at {make_url(POSTGRESQL_URL).render_as_string()} "
            f"({first_line}); set TEST_POSTGRESQL_URL to run these tests"
        )
    return None


_POSTGRESQL_REASON: list[str | None] = []


def postgresql_skip_reason() -> str | None:
    if not _POSTGRESQL_REASON:
        _POSTGRESQL_REASON.append(_postgresql_reason())
    return _POSTGRESQL_REASON[0]


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    reason = postgresql_skip_reason()
    if reason and os.environ.get("REQUIRE_POSTGRESQL_TESTS"):
        pytest.fail(f"REQUIRE_POSTGRESQL_TESTS is set but {reason}")
    if reason:
        pytest.skip(reason)
    name = f"sitrep_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRESQL_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh, empty store: a SQLite file, then a PostgreSQL database."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store, upgraded to the newest schema, on each kind of database."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@dataclass(frozen=True)
class _FixedExtractor:
    """An extractor that returns a prepared extraction, so a test decides what is stored."""

    watchlist: Watchlist
    extraction: Extraction

    def extract(self, text: str) -> Extraction:
        return self.extraction


def _claim(
    claimant: str,
    stance: str,
    text: str,
    about: tuple[str, ...] = (),
    **fields: object,
) -> Claim:
    """A claim for a test, with sensible defaults for what the test does not care about."""
    values: dict[str, object] = {
        "claimant_role": "",
        "claimant_org": "",
        "cue": "said",
        "sentence": text,
    }
    values.update(fields)
    return Claim(claimant=claimant, stance=stance, text=text, about=about, **values)  # type: ignore[arg-type]


@pytest.fixture
def make_claim() -> Callable[..., Claim]:
    """make_claim(claimant, stance, text, about=(), **other Claim fields)."""
    return _claim


@pytest.fixture
def add_document(store: Store) -> Callable[..., int]:
    """Store a document with exactly the groups and claims given; returns its id."""
    counter = iter(range(1, 10_000))

    def add(
        *claims: Claim,
        title: str | None = None,
        groups: tuple[str, ...] = (),
        url: str | None = None,
        outlet: str | None = None,
        ingested_at: datetime | None = None,
    ) -> int:
        number = next(counter)
        names = list(dict.fromkeys([*groups, *(n for c in claims for n in c.about)]))
        extraction = Extraction(
            groups=tuple(FoundGroup(n, n.split()[0], "militant", 1) for n in names),
            mentions=tuple(GroupMention(n, n, 0, len(n)) for n in names),
            claims=claims,
        )
        text = " ".join(c.sentence for c in claims) or f"Document {number}."
        document = LoadedDocument(
            text=f"{text} ({number})",
            title=title or f"Document {number}",
            source="test",
            url=url,
            outlet=outlet,
        )
        extractor = _FixedExtractor(Watchlist.from_entries([]), extraction)
        [saved] = save_documents(store, [document], extractor)  # type: ignore[arg-type]
        if ingested_at is not None:
            with store.session() as session:
                session.execute(
                    update(Document)
                    .where(Document.id == saved.document_id)
                    .values(ingested_at=ingested_at)
                )
        return saved.document_id

    return add


@pytest.fixture
def sitrep(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the `sitrep` command in this process: sitrep("ingest", path) -> (status, out, err)."""
    from bot.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        captured = capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), captured.out, captured.err

    return run
