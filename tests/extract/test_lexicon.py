"""The claim lexicon: the shipped file loads; bad files fail with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.extract.lexicon import LexiconError, load_lexicon, parse_lexicon, verb_forms

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"

MINIMAL = """\
verbs:
  statement: [say/said]
phrases:
  report: [according to]
hedges: [reportedly]
"""


def test_the_shipped_lexicon_loads_with_multiword_cues() -> None:
    lexicon = load_lexicon(CONFIG_DIR / "lexicon.yaml")
    assert lexicon.cues["said"] == "statement"
    assert lexicon.cues["accusing"] == "accusation"
    assert lexicon.cues["claimed responsibility"] == "responsibility"
    assert lexicon.cues["called on"] == "demand"
    assert lexicon.cues["according to"] == "statement"
    assert any(
        gap.head == "dismissed" and gap.tail == "as" and gap.stance == "denial"
        for gap in lexicon.gap_cues
    )
    assert any(gap.head == "held" and gap.stance == "accusation" for gap in lexicon.gap_cues)
    assert {"reportedly", "allegedly", "believed to", "estimated", "may"} <= lexicon.hedges
    assert {"credible evidence", "documented proof", "intelligence indicating"} <= (
        lexicon.evidence
    )


def test_verb_forms_are_generated_with_irregular_forms() -> None:
    assert verb_forms("accuse") == ("accuse", "accuses", "accused", "accusing")
    assert set(verb_forms("say/said")) >= {"say", "says", "said", "saying"}
    assert set(verb_forms("deny/denied/denies")) >= {"deny", "denies", "denied", "denying"}
    assert set(verb_forms("stress")) >= {"stresses", "stressed", "stressing"}


def test_scan_finds_whole_words_only_and_keeps_hedge_case() -> None:
    lexicon = parse_lexicon(MINIMAL + "content:\n  warning: [threat to]\n")
    text = "Officials said, according to Reportedly sources, it reportedly poses a threat to all."
    found = [(hit.kind, text[hit.start : hit.end]) for hit in lexicon.scan(text)]
    assert ("cue", "said") in found
    assert ("cue", "according to") in found
    assert ("hedge", "reportedly") in found
    assert ("hedge", "Reportedly") not in found
    assert ("content", "threat to") in found
    assert not any(piece == "say" for _, piece in found)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"nope\.yaml"):
        load_lexicon(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        (MINIMAL + "colours: [red]\n", 6, "unknown section 'colours'"),
        (MINIMAL.replace("statement:", "gossip:"), 2, "unknown stance 'gossip'"),
        (MINIMAL + "evidence: [proof, proof]\n", 6, "listed twice"),
        (MINIMAL.replace("[say/said]", "[say/said, 12]"), 2, "must be a non-empty string"),
        (MINIMAL.replace("[reportedly]", "[reportedly, yes]"), 5, "must be a non-empty string"),
        (MINIMAL.replace("hedges: [reportedly]", "hedges: reportedly"), 5, "must be a list"),
        (
            MINIMAL.replace("  report: [according to]", "  report: [claimed ...]"),
            4,
            "needs words on both sides",
        ),
        (
            "verbs:\n  statement: [say]\n  warning: [say]\nphrases: {}\nhedges: []\n",
            3,
            "listed twice (first on line 2)",
        ),
        ("verbs: [say]\nphrases: {}\nhedges: []\n", 1, "must map stances"),
        ("verbs:\n  statement: [say]\nhedges: []\n", 1, "missing section 'phrases'"),
        ("verbs: [unclosed\n", 2, "not valid YAML"),
    ],
)
def test_a_bad_lexicon_names_file_and_line(
    tmp_path: Path, source: str, line: int, message: str
) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(LexiconError) as error:
        load_lexicon(path)
    assert str(error.value).startswith(f"{path}:{line}:"), str(error.value)
    assert message in str(error.value)
