"""The command line as a user runs it: output, messages and exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digests.qa.vocabulary import load_vocabulary
from digests.resources import config_dir


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.txt").write_text("TTP attack\nPolice said the TTP attacked a checkpost.")
    (folder / "two.json").write_text(
        json.dumps({"id": "x2", "title": "BLA", "text": "The BLA denied it."})
    )
    return folder


def test_ingest_all_good_exits_0_with_a_summary(sitrep, documents: Path) -> None:
    code, out, err = sitrep("ingest", str(documents))
    assert code == 0
    assert out.strip() == "ingested 2, duplicates 0, failed 0"
    assert err == ""


def test_ingest_with_failures_exits_1_and_names_file_and_line(sitrep, documents: Path) -> None:
    (documents / "bad.jsonl").write_text('{"text": "fine"}\n{"text": \n')
    code, out, err = sitrep("ingest", str(documents))
    assert code == 1
    assert out.strip() == "ingested 3, duplicates 0, failed 1"
    assert f"failed: {documents / 'bad.jsonl'}, line 2: not valid JSON" in err


def test_ingest_again_reports_duplicates(sitrep, documents: Path) -> None:
    sitrep("ingest", str(documents))
    code, out, err = sitrep("ingest", str(documents / "one.txt"))
    assert code == 0
    assert out.strip() == "ingested 0, duplicates 1, failed 0"
    assert "duplicate of document 1 (TTP attack)" in err
    code, out, err = sitrep("ingest", "--quiet", str(documents / "one.txt"))
    assert err == ""


def test_ingest_of_a_missing_path_exits_1(sitrep, tmp_path: Path) -> None:
    code, out, err = sitrep("ingest", str(tmp_path / "nothing-here"))
    assert code == 1
    assert "no such file or folder" in err
    assert out.strip() == "ingested 0, duplicates 0, failed 1"


def test_ingest_without_paths_is_a_usage_error(sitrep) -> None:
    code, _, err = sitrep("ingest")
    assert code == 2
    assert "Missing argument 'PATHS...'" in err


def test_settings_error_exits_2_without_traceback(sitrep, monkeypatch) -> None:
    monkeypatch.setenv("SITREP_INGEST_BATCH_SIZE", "many")
    code, _, err = sitrep("status")
    assert code == 2
    assert "setting 'ingest_batch_size' = 'many'" in err
    assert "environment variable SITREP_INGEST_BATCH_SIZE" in err
    assert "Traceback" not in err


def test_bad_database_url_exits_2(sitrep, monkeypatch) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", "sqlite-ish:/nowhere")
    code, _, err = sitrep("docs")
    assert code == 2
    assert "database_url" in err


def test_missing_config_file_exits_2(sitrep, tmp_path: Path) -> None:
    code, _, err = sitrep("--config", str(tmp_path / "absent.toml"), "status")
    assert code == 2
    assert "does not exist" in err


def test_unwritable_store_location_exits_2(sitrep, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SITREP_DATABASE_URL", f"sqlite:///{blocker}/sub/store.db")
    code, _, err = sitrep("status")
    assert code == 2
    assert "cannot create the folder for the store" in err


def test_status_shows_store_counts_and_schedules(
    sitrep, documents: Path, isolated_environment
) -> None:
    sitrep("ingest", str(documents))
    code, out, _ = sitrep("status")
    assert code == 0
    assert str(isolated_environment / "sitrep.db") in out
    assert "up to date" in out
    lines = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}
    assert lines["documents"] == "2"
    assert int(lines["claims"]) >= 1  # extracted while ingesting
    assert "schedules    none" in out.splitlines()


def test_docs_lists_recent_documents_and_searches(sitrep, documents: Path) -> None:
    code, out, _ = sitrep("docs")
    assert code == 0
    assert "no documents yet" in out
    sitrep("ingest", str(documents))
    code, out, _ = sitrep("docs")
    titles = [line.split(None, 4)[-1] for line in out.splitlines()[1:]]
    assert titles == ["BLA", "TTP attack"]
    code, out, _ = sitrep("docs", "--search", "checkpost")
    assert "TTP attack" in out
    assert "BLA" not in out
    code, out, _ = sitrep("docs", "--search", "nothing matches this")
    assert "no document contains all of: nothing matches this" in out


def test_db_upgrade_reports_the_schema(sitrep) -> None:
    code, out, _ = sitrep("db", "upgrade")
    assert code == 0
    assert "is at schema 0008 (newest)" in out


def test_demo_runs_from_the_installed_command(tmp_path: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("SITREP_", "SLACK_"))
    }
    environment["SITREP_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "bot.cli", "demo"]
    for _ in range(2):  # a second run starts from a fresh demo store again
        result = subprocess.run(
            command, capture_output=True, text=True, env=environment, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "ingested 5, duplicates 0, failed 0" in result.stdout
    assert "Sample brief: Houthis keep up Red Sea attacks" in result.stdout
    # The demo ends in a scripted session of the shell workspace: a digest posted to the
    # channel, a question in its thread, /group with a button and a misspelling, /claim.
    session = result.stdout.split("Now the local shell workspace", 1)[1]
    assert "you › /digest now" in session
    assert "── sitrep in #c0local" in session
    assert "═══ sitrep digest · " in session
    assert "Tehrik-i-Taliban Pakistan (TTP)" in session
    assert "dismissed the UN reports as “propaganda”" in session
    assert "── sitrep in the thread" in session
    assert "═══ Tehrik-i-Taliban Pakistan" in session
    assert "All claims about Tehrik-i-Taliban Pakistan" in session
    assert "Did you mean: Tehrik-i-Taliban Pakistan?" in session
    assert "6,000 fighters" in session
    assert (tmp_path / "data" / "demo.db").exists()


SEED_LIKE = (
    "At a weekly press briefing, Foreign Office spokesperson Shafqat Ali Khan said the TTP "
    "and BLA are operating from Afghan soil. The Taliban dismissed the claims as propaganda."
)


def test_extract_json_prints_one_object_per_document_and_stores_nothing(
    sitrep, tmp_path: Path, isolated_environment: Path
) -> None:
    (tmp_path / "a.txt").write_text(SEED_LIKE)
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "b1", "title": "B", "text": SEED_LIKE + " More."}) + "\n"
    )
    code, out, _ = sitrep("extract", "--json", str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"))
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["id"] for o in objects] == [str(tmp_path / "a.txt"), "b1"]
    first = objects[0]
    assert set(first) == {"id", "title", "groups", "claims"}
    assert {g["short"] for g in first["groups"]} >= {"TTP", "BLA"}
    claim = next(c for c in first["claims"] if c["claimant"] == "Shafqat Ali Khan")
    assert set(claim) == {
        "claimant",
        "claimant_role",
        "claimant_org",
        "cue",
        "stance",
        "text",
        "sentence",
        "about",
        "hedges",
        "evidence",
        "numbers",
        "places",
        "quote",
    }
    assert not (isolated_environment / "sitrep.db").exists()


def test_extract_readable_summary(sitrep, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_LIKE)
    code, out, _ = sitrep("extract", str(tmp_path / "a.txt"))
    assert code == 0
    assert "groups: " in out
    assert "Shafqat Ali Khan" in out


def _vocabulary_folder(tmp_path: Path, monkeypatch, *names: str) -> Path:
    """A vocabulary folder (SITREP_VOCABULARY_DIR) holding copies of the shipped `names`."""
    vocabulary = tmp_path / "vocabulary"
    vocabulary.mkdir()
    for name in names:
        (vocabulary / name).write_text((config_dir() / name).read_text())
    monkeypatch.setenv("SITREP_VOCABULARY_DIR", str(vocabulary))
    return vocabulary


def test_bad_vocabulary_file_exits_2_with_file_and_line(
    sitrep, tmp_path: Path, monkeypatch
) -> None:
    vocabulary = _vocabulary_folder(tmp_path, monkeypatch, "lexicon.yaml", "actors.yaml")
    config = Path(__file__).parents[2] / "config"
    (vocabulary / "groups.yaml").write_text(
        "groups:\n  - name: Alpha Front\n    short: AF\n    kind: militant\n"
        "  - name: Alpha Front\n    short: AF2\n    kind: militant\n"
    )
    code, _, err = sitrep("extract", str(config / "default.toml"))
    assert code == 2
    assert "vocabulary error" in err
    assert "groups.yaml" in err
    assert "line 5" in err
    assert "Traceback" not in err


def test_ingest_extracts_and_reextract_redoes_it(sitrep, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_LIKE)
    sitrep("ingest", str(tmp_path))
    _, out, _ = sitrep("status")
    claims = int(next(line.split()[1] for line in out.splitlines() if line.startswith("claims")))
    assert claims >= 2
    code, out, _ = sitrep("reextract")
    assert code == 0
    assert out.startswith("re-extracted 1 documents: ")
    assert f"{claims} claims" in out


def test_digest_preview_reads_like_slack(sitrep, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_LIKE)
    sitrep("ingest", str(tmp_path))
    code, out, _ = sitrep("digest", "--preview")
    assert code == 0
    assert out.startswith("═══ sitrep digest · ")
    assert "Shafqat Ali Khan" in out
    assert "Reply in this thread to ask" in out
    code, out, _ = sitrep("digest", "--preview", "--json")
    first = json.loads(out.splitlines()[0])
    assert first["blocks"][0]["type"] == "header"
    assert first["text"].startswith("sitrep digest: 1 new document")


def test_digest_preview_of_an_empty_window_and_a_bad_since(sitrep) -> None:
    code, out, _ = sitrep("digest", "--preview", "--since", "2h")
    assert code == 0
    assert out.startswith("nothing new between ")
    code, _, err = sitrep("digest", "--preview", "--since", "last week")
    assert code == 2
    assert "cannot read --since 'last week'" in err


def test_ask_answers_with_its_evidence_or_says_it_cannot(sitrep, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_LIKE)
    sitrep("ingest", str(tmp_path))
    code, out, _ = sitrep("ask", "who says the TTP operates from afghan soil?")
    assert code == 0
    assert out.startswith("💡 Shafqat Ali Khan")
    assert "\n> " in out  # the sentence it rests on, quoted
    code, out, _ = sitrep("ask", "who says the TTP operates from afghan soil?", "--json")
    answer = json.loads(out)
    assert answer["answer"].startswith("Shafqat Ali Khan")
    weights = load_vocabulary(config_dir()).weights
    assert answer["confidence"] >= weights.least_confidence("who") > 0
    [citation] = answer["citations"]
    assert citation["claimant"] == "Shafqat Ali Khan"
    assert set(citation) == {"document_id", "title", "sentence", "claimant"}
    code, out, _ = sitrep("ask", "how many fighters does boko haram have?", "--json")
    assert code == 1
    assert json.loads(out) == {"answer": None, "confidence": 0.0, "citations": []}
    code, out, _ = sitrep("ask", "how many fighters does boko haram have?")
    assert code == 1
    assert "I can't answer" in out


def test_ask_with_a_broken_answer_weights_file_exits_2_naming_it(
    sitrep, tmp_path: Path, monkeypatch
) -> None:
    vocabulary = _vocabulary_folder(
        tmp_path, monkeypatch, "groups.yaml", "lexicon.yaml", "actors.yaml", "answers.yaml"
    )
    (vocabulary / "answer_weights.yaml").write_text("weights: {score: 1.0, luck: 2.0}\n")
    code, out, err = sitrep("ask", "who says the TTP operates from afghan soil?")
    assert code == 2
    assert out == ""
    assert "vocabulary error" in err
    assert "answer_weights.yaml: unknown measure luck" in err
    assert "Traceback" not in err


def test_ask_in_a_thread_that_does_not_exist(sitrep) -> None:
    code, _, err = sitrep("ask", "who said that?", "--thread", "99")
    assert code == 2
    assert "no digest run 99; `sitrep runs` lists them" in err


def test_ask_in_a_digest_thread_means_its_claims(
    sitrep, tmp_path: Path, isolated_environment: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from digests.messages import RenderedDigest, SlackMessage
    from digests.store.engine import open_store
    from digests.store.runs import claim_run, record_posted

    (tmp_path / "a.txt").write_text(SEED_LIKE)
    sitrep("ingest", str(tmp_path))
    now = datetime.now(UTC)
    store = open_store(f"sqlite:///{isolated_environment / 'sitrep.db'}")
    claimed = claim_run(
        store, "T0LOCAL", "C0LOCAL", "manual:1", trigger="manual",
        window_start=now - timedelta(hours=1), window_end=now + timedelta(minutes=1),
        message=RenderedDigest(main=SlackMessage(text="digest")),
    )
    assert claimed is not None
    run = claimed.run
    record_posted(store, run.id, "1900000000.000001")
    store.close()
    code, out, _ = sitrep("ask", "who said that?", "--thread", str(run.id), "--json")
    assert code == 0
    answer = json.loads(out)
    # "that" is the digest's first claim: the Taliban dismissing the claims as propaganda.
    assert answer["answer"].startswith("Taliban")
    assert "propaganda" in answer["answer"]
    code, out, _ = sitrep("ask", "is that disputed?", "--thread", str(run.id))
    assert code == 0
    assert out.startswith("💡 Yes, denied: Taliban (Afghan Taliban): dismissed the claims")
