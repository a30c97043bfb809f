"""The seed article extracted end to end, and the JSON form of an extraction.

The seed text is embedded (tests never read the shared corpus); the expected claims are
the seed's gold annotation: source, stance, hedges and numbers of every claim.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.extract.model import Claim, Extraction
from digests.extract.pipeline import Extractor, extraction_to_json, load_extractor

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"

SEED = (
    "Pakistan has once again called on the Taliban-led administration in Afghanistan to "
    "dismantle safe havens used by militant groups such as the banned Tehreek-e-Taliban "
    "Pakistan (TTP) and Baloch Liberation Army (BLA), accusing Kabul of offering both "
    "financial and logistical support to the banned outfits.\n"
    "At a weekly press briefing, Foreign Office spokesperson Shafqat Ali Khan stressed "
    "that cross-border terrorism remains a top concern in diplomatic engagements with the "
    "Afghan authorities. He asserted that Pakistan possesses credible evidence proving "
    "that the TTP and BLA are operating from Afghan soil with external assistance.\n"
    "“These groups continue to pose a serious threat to Pakistan’s security, and we have "
    "raised this matter repeatedly with Kabul,” Khan said.\n"
    "The spokesperson further alleged that India has been backing Baloch insurgents, "
    "citing what he described as documented proof of Indian involvement in destabilizing "
    "activities through support for groups like the BLA.\n"
    "Khan emphasized that Pakistan expects the Taliban regime to take concrete action "
    "against all terror outfits using Afghan territory to launch attacks across the "
    "border.\n"
    "His remarks are consistent with findings by the United Nations, which earlier "
    "reported that the TTP, estimated to have around 6,000 fighters, receives substantial "
    "operational support from elements within the Taliban. The UN has also noted internal "
    "divisions among the Taliban leadership, with some factions pushing for a reduction "
    "in ties with the TTP to improve regional relations.\n"
    "UN monitoring teams have warned that Afghanistan continues to serve as a sanctuary "
    "for transnational terror groups. The most pressing threat, they noted, is posed by "
    "ISIS–Khorasan (ISIS-K), while al-Qaeda is believed to be involved in training and "
    "ideological indoctrination of other militant networks.\n"
    "While the Taliban has dismissed the UN reports as “propaganda”, multiple UN member "
    "states have shared intelligence indicating close coordination between the TTP and "
    "BLA, including its suicide wing, the Majeed Brigade. Some reports point to at least "
    "four shared training camps run jointly by the two groups in southern Afghanistan’s "
    "Kandahar province, specifically in Shah Wali Kot and Shorabak, with al-Qaeda "
    "reportedly providing training and logistical aid."
)

# (key inside the claim's text, acceptable source forms, stance, hedged, number, about)
SEED_GOLD = [
    (
        "dismantle safe havens used by militant groups",
        ["Pakistan"],
        "demand",
        False,
        None,
        {"Afghan Taliban", "Tehrik-i-Taliban Pakistan", "Baloch Liberation Army"},
    ),
    (
        "offering both financial and logistical support",
        ["Pakistan"],
        "accusation",
        False,
        None,
        {"Tehrik-i-Taliban Pakistan", "Baloch Liberation Army"},
    ),
    (
        "cross-border terrorism remains a top concern",
        ["Shafqat Ali Khan"],
        "statement",
        False,
        None,
        set(),
    ),
    (
        "operating from Afghan soil",
        ["Shafqat Ali Khan"],
        "accusation",
        False,
        None,
        {"Tehrik-i-Taliban Pakistan", "Baloch Liberation Army"},
    ),
    (
        "pose a serious threat to Pakistan’s security",
        ["Shafqat Ali Khan"],
        "warning",
        False,
        None,
        {"Tehrik-i-Taliban Pakistan", "Baloch Liberation Army"},
    ),
    (
        "India has been backing Baloch insurgents",
        ["Shafqat Ali Khan"],
        "accusation",
        False,
        None,
        {"Baloch Liberation Army"},
    ),
    (
        "take concrete action against all terror outfits",
        ["Shafqat Ali Khan"],
        "demand",
        False,
        None,
        {"Afghan Taliban"},
    ),
    (
        "receives substantial operational support",
        ["United Nations", "UN"],
        "report",
        True,
        "6,000",
        {"Tehrik-i-Taliban Pakistan", "Afghan Taliban"},
    ),
    (
        "internal divisions among the Taliban leadership",
        ["UN", "United Nations"],
        "report",
        False,
        None,
        {"Afghan Taliban", "Tehrik-i-Taliban Pakistan"},
    ),
    (
        "serve as a sanctuary for transnational terror groups",
        ["UN monitoring teams"],
        "warning",
        False,
        None,
        set(),
    ),
    (
        "is posed by ISIS–Khorasan",
        ["UN monitoring teams"],
        "report",
        True,
        None,
        {"Islamic State Khorasan Province", "al-Qaeda"},
    ),
    ("the UN reports as “propaganda”", ["Taliban"], "denial", False, None, set()),
    (
        "close coordination between the TTP and BLA",
        ["multiple UN member states"],
        "report",
        False,
        None,
        {"Tehrik-i-Taliban Pakistan", "Baloch Liberation Army", "Majeed Brigade"},
    ),
    (
        "four shared training camps run jointly",
        ["Some reports"],
        "report",
        True,
        "four",
        {"Tehrik-i-Taliban Pakistan", "Baloch Liberation Army", "al-Qaeda"},
    ),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(CONFIG_DIR)


@pytest.fixture(scope="module")
def seed(extractor: Extractor) -> Extraction:
    return extractor.extract(SEED)


def _claim_with(extraction: Extraction, key: str) -> Claim:
    found = [claim for claim in extraction.claims if key in claim.text]
    assert len(found) == 1, f"expected one claim holding {key!r}, got {found}"
    return found[0]


@pytest.mark.parametrize(("key", "sources", "stance", "hedged", "number", "about"), SEED_GOLD)
def test_every_seed_claim_is_found_with_its_source_stance_hedges_and_number(
    seed: Extraction,
    key: str,
    sources: list[str],
    stance: str,
    hedged: bool,
    number: str | None,
    about: set[str],
) -> None:
    claim = _claim_with(seed, key)
    who = " | ".join((claim.claimant, claim.claimant_role, claim.claimant_org))
    assert any(source in who for source in sources), who
    assert claim.stance == stance
    assert bool(claim.hedges) is hedged, claim.hedges
    if number is not None:
        assert number in claim.numbers
    assert set(claim.about) == about
    assert claim.sentence in SEED


def test_the_seed_has_exactly_its_gold_claims(seed: Extraction) -> None:
    assert len(seed.claims) == len(SEED_GOLD)


def test_the_spokesperson_is_resolved_to_the_named_official(seed: Extraction) -> None:
    claim = _claim_with(seed, "India has been backing Baloch insurgents")
    assert claim.cue == "alleged"
    assert claim.claimant == "Shafqat Ali Khan"
    assert claim.claimant_role == "Foreign Office spokesperson"
    assert claim.claimant_org == "Foreign Office"
    assert claim.evidence == ("documented proof",)


def test_the_quotation_is_marked_and_keeps_its_speaker(seed: Extraction) -> None:
    claim = _claim_with(seed, "pose a serious threat")
    assert claim.quote
    assert claim.text.startswith("“These groups")
    assert claim.sentence.endswith("Khan said.")


def test_hedges_numbers_places_and_evidence_are_kept(seed: Extraction) -> None:
    un_report = _claim_with(seed, "receives substantial operational support")
    assert "estimated" in un_report.hedges
    assert un_report.numbers == ("6,000",)
    camps = _claim_with(seed, "four shared training camps")
    assert camps.hedges == ("reportedly",)
    assert {"Kandahar", "Shah Wali Kot", "Shorabak"} <= set(camps.places)
    assert _claim_with(seed, "operating from Afghan soil").evidence == ("credible evidence",)


def test_the_seed_groups_are_the_armed_groups_it_names(seed: Extraction) -> None:
    names = {group.name for group in seed.groups}
    assert {
        "Tehrik-i-Taliban Pakistan",
        "Baloch Liberation Army",
        "Majeed Brigade",
        "al-Qaeda",
    } <= names


def test_extraction_to_json_has_exactly_the_documented_shape(seed: Extraction) -> None:
    document = extraction_to_json("seed", "Seed article", seed)
    assert set(document) == {"id", "title", "groups", "claims"}
    assert document["id"] == "seed"
    assert document["title"] == "Seed article"
    for group in document["groups"]:
        assert set(group) == {"name", "short", "kind", "mentions"}
    for claim in document["claims"]:
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
        assert isinstance(claim["about"], list)
        assert isinstance(claim["quote"], bool)


def test_an_empty_document_has_nothing(extractor: Extractor) -> None:
    assert extractor.extract("") == Extraction()
    assert extractor.extract("   \n\n ").claims == ()


def test_a_document_without_attribution_has_no_claims(extractor: Extractor) -> None:
    text = "A bomb exploded near the market in Quetta on Monday. Shops were damaged."
    assert extractor.extract(text).claims == ()
