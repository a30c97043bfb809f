from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from digests.documents import load_sources
from digests.extract.pipeline import load_extractor
from digests.ingest import IngestOutcome, ingest
from digests.store.documents import count_documents
from digests.store.engine import Store
from digests.store.models import Claim


def test_batch_with_good_bad_and_duplicate_documents(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline A\nThe army said the TTP attacked.")
    (tmp_path / "b.jsonl").write_text(
        '{"id": "b1", "text": "The BLA claimed the attack."}\n'
        "not json\n"
        '{"id": "b3", "text": "The army  said the TTP attacked. "}\n'
    )
    (tmp_path / "c.txt").write_bytes(b"")
    outcomes: list[IngestOutcome] = []
    summary = ingest(
        store,
        load_sources([str(tmp_path)], max_bytes=10_000),
        batch_size=2,
        on_outcome=outcomes.append,
    )
    assert summary.line == "ingested 2, duplicates 1, failed 2"
    assert count_documents(store) == 2
    failed = {o.where: o.detail for o in outcomes if o.kind == "failed"}
    assert failed == {
        f"{tmp_path / 'b.jsonl'}, line 2": failed[f"{tmp_path / 'b.jsonl'}, line 2"],
        str(tmp_path / "c.txt"): "empty file",
    }
    assert "not valid JSON" in failed[f"{tmp_path / 'b.jsonl'}, line 2"]


def test_ingesting_again_reports_duplicates_and_stores_nothing_new(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text("# Title\n\nBody one.")
    (tmp_path / "b.md").write_text("# Title\n\nBody two.")
    first = ingest(store, load_sources([str(tmp_path)], max_bytes=10_000))
    outcomes: list[IngestOutcome] = []
    second = ingest(
        store, load_sources([str(tmp_path)], max_bytes=10_000), on_outcome=outcomes.append
    )
    assert first.line == "ingested 2, duplicates 0, failed 0"
    assert second.line == "ingested 0, duplicates 2, failed 0"
    assert outcomes[0].detail == "duplicate of document 1 (Title)"
    assert count_documents(store) == 2


def test_ingesting_with_extraction_batch_by_batch_extracts_each_content_once(
    store: Store, tmp_path: Path
) -> None:
    # Content repeated across batches and within one is stored, extracted and reported
    # once, in order; each new document has exactly its own claims.
    texts = [
        "Police said the TTP attacked a checkpost in Bannu.",
        "The army said the BLA attacked a convoy in Kech.",
        "Police said the TTP attacked a checkpost in Bannu.",
        "The army said the BLA attacked a convoy in Kech.",
        "Officials said the TTP killed two soldiers in Bannu.",
    ]
    (tmp_path / "news.jsonl").write_text(
        "".join(json.dumps({"id": f"n{i}", "text": text}) + "\n" for i, text in enumerate(texts))
    )
    extractor = load_extractor(Path(__file__).parents[1] / "config")
    outcomes: list[IngestOutcome] = []
    summary = ingest(
        store,
        load_sources([str(tmp_path)], max_bytes=10_000),
        batch_size=2,
        on_outcome=outcomes.append,
        extractor=extractor,
    )
    assert summary.line == "ingested 3, duplicates 2, failed 0"
    assert [outcome.kind for outcome in outcomes] == [
        "ingested",
        "ingested",
        "duplicate",
        "duplicate",
        "ingested",
    ]
    with store.session() as session:
        stored = Counter(session.scalars(select(Claim.document_id)))
    expected = {
        outcome.document_id: len(extractor.extract(texts[number]).claims)
        for number, outcome in enumerate(outcomes)
        if outcome.kind == "ingested"
    }
    assert stored == expected
    assert all(expected.values())
