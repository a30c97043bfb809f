"""How well sitrep answers follow-up questions, and how fast.

    python bench/eval_answers.py bench/questions/dev.jsonl
        [--corpus ../shared/corpus/articles.jsonl] [--seed ../shared/seed/000_87aeffe32afe1305.txt]
        [--baseline] [--show-misses]

Ingests the corpus and the seed article into a fresh SQLite store, asks every question
(one JSON object a line: id, question, accepted, document, answerable, type) and prints:
- accuracy: answerable questions whose answer contains an accepted string (any case)
  and cites the question's document;
- answer accuracy and citation accuracy separately;
- confident answers to questions the corpus cannot answer (the goal is none);
- the median and p95 answer time;
- with --baseline, the same figures for a plain BM25 search returning the best sentence.
A document is named by its id in the corpus ("a017"), or "seed" for the seed article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from digests.documents import load_sources
from digests.extract.pipeline import Extractor, load_extractor
from digests.extract.sentences import split_sentences
from digests.ingest import IngestOutcome, ingest
from digests.qa.answer import Answer, answer_question
from digests.qa.vocabulary import load_vocabulary
from digests.store.engine import Store, open_store
from digests.store.models import Document
from digests.store.search import search

CONFIG = Path(__file__).resolve().parent.parent / "config"


def _document_names(store: Store, seed_name: str) -> dict[int, str]:
    """Store id -> the question file's name for the document."""
    with store.session() as session:
        rows = session.query(Document.id, Document.external_id, Document.source).all()
    return {
        row.id: row.external_id or ("seed" if row.source.endswith(seed_name) else str(row.id))
        for row in rows
    }


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of a file: one JSON object a line."""
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def corpus_store(
    folder: Path, corpus: Path, seed: Path, extractor: Extractor
) -> tuple[Store, dict[int, str]]:
    """A fresh SQLite store in `folder` holding the corpus and the seed article, and the
    question files' name of each stored document."""
    store = open_store(f"sqlite:///{folder}/eval.db")
    sources = load_sources([str(corpus), str(seed)], max_bytes=50_000_000)
    failures: list[str] = []

    def note_failure(outcome: IngestOutcome) -> None:
        if outcome.kind == "failed":
            failures.append(f"{outcome.where}: {outcome.detail}")

    ingest(store, sources, extractor=extractor, on_outcome=note_failure)
    if failures:
        # Scoring questions against a partial corpus would print figures that mean nothing.
        raise SystemExit("cannot load the corpus: " + "; ".join(failures[:3]))
    return store, _document_names(store, seed.name)


def is_right(item: dict[str, Any], answer: Answer, names: dict[int, str]) -> bool:
    """Whether an answer holds an accepted string (any case) and cites the question's document."""
    text = (answer.text or "").lower()
    cited = {names.get(citation.document_id) for citation in answer.citations}
    return item["document"] in cited and any(
        accepted.lower() in text for accepted in item["accepted"]
    )


def _baseline(store: Store, question: str) -> Answer:
    """The sentence of the best BM25 document holding most of the question's words."""
    hits = search(store, question, limit=1, match_all=False)
    if not hits:
        return Answer(question, "what", None, 0.0)
    with store.session() as session:
        text = session.get(Document, hits[0].id).text
    words = {word.lower() for word in question.split() if len(word) > 3}
    best = max(
        split_sentences(text), key=lambda s: sum(word in s.text.lower() for word in words)
    )
    from digests.qa.answer import Citation

    citation = Citation(hits[0].id, "", None, None, best.text, "")
    return Answer(question, "what", best.text, 1.0, (citation,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/articles.jsonl"))
    parser.add_argument(
        "--seed", type=Path, default=Path("../shared/seed/000_87aeffe32afe1305.txt")
    )
    parser.add_argument("--baseline", action="store_true", help="also score plain BM25")
    parser.add_argument("--show-misses", action="store_true", help="print every miss")
    options = parser.parse_args()
    questions = read_questions(options.questions)
    extractor = load_extractor(CONFIG)
    vocabulary = load_vocabulary(CONFIG)
    with tempfile.TemporaryDirectory() as folder:
        store, names = corpus_store(Path(folder), options.corpus, options.seed, extractor)
        systems = {"sitrep": None, **({"bm25 baseline": _baseline} if options.baseline else {})}
        for system, baseline in systems.items():
            results = Counter()
            times: list[float] = []
            misses: list[str] = []
            for item in questions:
                started = time.perf_counter()
                if baseline is None:
                    answer = answer_question(
                        store,
                        item["question"],
                        vocabulary=vocabulary,
                        actors=extractor.actors,
                    )
                else:
                    answer = baseline(store, item["question"])
                times.append(time.perf_counter() - started)
                cited = {names.get(c.document_id) for c in answer.citations}
                if not item["answerable"]:
                    results["unanswerable"] += 1
                    if answer.text is not None:
                        results["confident on unanswerable"] += 1
                        misses.append(f"{item['id']} answered: {item['question']!r} -> "
                                      f"{answer.text!r} [{', '.join(sorted(map(str, cited)))}]")
                    continue
                results["answerable"] += 1
                text = (answer.text or "").lower()
                right_text = any(accepted.lower() in text for accepted in item["accepted"])
                right_document = item["document"] in cited
                results["answer"] += right_text
                results["citation"] += right_document
                results["both"] += right_text and right_document
                results[f"{item['type']} total"] += 1
                results[f"{item['type']} right"] += right_text and right_document
                if not (right_text and right_document):
                    misses.append(
                        f"{item['id']} ({item['type']}) {item['question']!r}: want "
                        f"{item['accepted']} in {item['document']}; got {answer.text!r} "
                        f"[{', '.join(sorted(map(str, cited)))}] conf {answer.confidence:.2f}"
                    )
            answerable = max(results["answerable"], 1)
            times.sort()
            print(f"== {system}: {len(questions)} questions from {options.questions.name}")
            print(
                f"accuracy (answer right and right document cited): {results['both']}/"
                f"{results['answerable']} = {results['both'] / answerable:.1%}"
            )
            print(
                f"answer contains an accepted string: {results['answer'] / answerable:.1%}; "
                f"right document cited: {results['citation'] / answerable:.1%}"
            )
            print(
                f"confident answers to unanswerable questions: "
                f"{results['confident on unanswerable']}/{results['unanswerable']}"
            )
            kinds = sorted({key.split()[0] for key in results if key.endswith(" total")})
            print("by type: " + ", ".join(
                f"{kind} {results[kind + ' right']}/{results[kind + ' total']}" for kind in kinds
            ))
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"answer time: median {statistics.median(times) * 1000:.1f} ms, "
                f"p95 {p95 * 1000:.1f} ms over {len(times)} questions "
                f"({len(names)} documents in the store)"
            )
            # Misses are printed only on request: a held-out set's totals reveal no question.
            print(f"missed: {len(misses)}")
            if options.show_misses:
                for line in misses:
                    print("  " + line)


if __name__ == "__main__":
    main()
