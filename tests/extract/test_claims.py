"""Claim rules, one small case each: source, cue, stance, content, coreference, quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.extract.model import Claim
from digests.extract.pipeline import Extractor, load_extractor

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(CONFIG_DIR)


def claims(extractor: Extractor, text: str) -> tuple[Claim, ...]:
    return extractor.extract(text).claims


def only(extractor: Extractor, text: str) -> Claim:
    found = claims(extractor, text)
    assert len(found) == 1, found
    return found[0]


def test_subject_cue_that_clause(extractor: Extractor) -> None:
    claim = only(extractor, "Police said that five militants were killed in the raid.")
    assert (claim.claimant, claim.cue, claim.stance) == ("Police", "said", "statement")
    assert claim.text == "five militants were killed in the raid."
    assert claim.numbers == ("five",)


def test_attribution_closing_a_sentence(extractor: Extractor) -> None:
    claim = only(extractor, "Two soldiers were wounded in the attack, the army said on Sunday.")
    assert claim.claimant == "army"
    assert claim.text == "Two soldiers were wounded in the attack"


def test_inverted_attribution_with_appositive(extractor: Extractor) -> None:
    claim = only(
        extractor,
        "“It was a massacre,” said Dejan Panic, a coordinator for the aid group Emergency.",
    )
    assert claim.claimant == "Dejan Panic"
    assert claim.claimant_role.startswith("coordinator")
    assert claim.quote


def test_inverted_attribution_by_a_person_of_a_body_names_the_person(
    extractor: Extractor,
) -> None:
    text = (
        "ISIS moved funds abroad, experts said. “We’re entering a very risky period,” said"
        " Seth Jones of the Center for Strategic and International Studies. “I have no faith"
        " that ISIS has been crushed.”"
    )
    found = claims(extractor, text)
    assert [claim.claimant for claim in found] == ["experts", "Seth Jones", "Seth Jones"]


def test_the_man_others_say_did_it_is_what_they_say_of(extractor: Extractor) -> None:
    claim = only(
        extractor,
        "A court granted bail to Lakhvi, the man prosecutors say masterminded the Mumbai"
        " attacks by Lashkar-e-Taiba.",
    )
    assert claim.claimant == "prosecutors"
    claim = only(extractor, "The group leaders said Lashkar-e-Taiba planned the attacks.")
    assert claim.claimant == "group leaders"


def test_parenthetical_attribution_keeps_both_halves(extractor: Extractor) -> None:
    text = (
        "UN experts said the region was unstable. The main threat, they noted, is posed by ISIS-K."
    )
    claim = claims(extractor, text)[-1]
    assert claim.claimant == "UN experts"
    assert claim.text == "The main threat is posed by ISIS-K."
    assert claim.stance == "report"
    assert claim.about == ("Islamic State Khorasan Province",)


def test_according_to(extractor: Extractor) -> None:
    claim = only(extractor, "More than 40 people were killed, according to local officials.")
    assert claim.claimant == "local officials"
    assert claim.cue == "according to"
    assert "40 people were killed" in claim.text


def test_two_cues_in_one_sentence_give_a_demand_and_an_accusation(extractor: Extractor) -> None:
    found = claims(
        extractor,
        "Pakistan called on Kabul to dismantle the camps, accusing it of sheltering the TTP.",
    )
    assert [(claim.stance, claim.claimant) for claim in found] == [
        ("demand", "Pakistan"),
        ("accusation", "Pakistan"),
    ]
    assert found[0].text.endswith("to dismantle the camps")
    assert found[1].about == ("Tehrik-i-Taliban Pakistan",)


def test_a_state_is_not_the_group_it_is_accused_of_hosting(extractor: Extractor) -> None:
    claim = only(extractor, "India accused Kabul of funding attacks.")
    assert claim.about == ()


def test_pronoun_and_description_resolve_to_the_named_official(extractor: Extractor) -> None:
    text = (
        "Interior ministry spokesman Nasrat Rahimi said the road was closed. He added that "
        "three attackers were dead. The spokesman also warned of more attacks."
    )
    found = claims(extractor, text)
    assert [claim.claimant for claim in found] == ["Nasrat Rahimi"] * 3
    assert found[1].claimant_role == "Interior ministry spokesman"
    assert found[2].stance == "warning"


def test_a_surname_resolves_to_the_full_name(extractor: Extractor) -> None:
    text = "Foreign minister Mevlut Cavusoglu said talks went well. Cavusoglu said more was needed."
    assert [claim.claimant for claim in claims(extractor, text)] == ["Mevlut Cavusoglu"] * 2


def test_a_capital_stands_for_its_state(extractor: Extractor) -> None:
    claim = only(extractor, "Washington urged all countries to take decisive action.")
    assert (claim.claimant, claim.claimant_org, claim.stance) == (
        "Washington",
        "United States",
        "demand",
    )


def test_claim_of_responsibility_is_about_the_claiming_group(extractor: Extractor) -> None:
    claim = only(extractor, "The Taliban claimed responsibility for the suicide blast.")
    assert claim.stance == "responsibility"
    assert claim.text == "claimed responsibility for the suicide blast."
    assert claim.about == ("Afghan Taliban",)


def test_passive_claim_of_responsibility_takes_the_agent(extractor: Extractor) -> None:
    claim = only(extractor, "That attack was claimed by Islamic State.")
    assert (claim.claimant, claim.stance) == ("Islamic State", "responsibility")
    assert claim.about == ("Islamic State",)


def test_passive_accusation_without_agent_has_no_claimant(extractor: Extractor) -> None:
    claim = only(extractor, "Several professors were later accused of helping the group recruit.")
    assert claim.claimant == ""
    assert claim.stance == "accusation"


def test_reportedly_alone_is_an_unsourced_report(extractor: Extractor) -> None:
    claim = only(extractor, "The convoy was reportedly ambushed near Khost.")
    assert (claim.claimant, claim.stance, claim.hedges) == ("", "report", ("reportedly",))
    assert "Khost" in claim.places


def test_dismissed_as_is_a_denial_and_rejecting_an_offer_a_statement(
    extractor: Extractor,
) -> None:
    denial = only(extractor, "The Taliban dismissed the UN reports as propaganda.")
    assert denial.stance == "denial"
    assert denial.text.startswith("dismissed the UN reports")
    refusal = only(extractor, "The Taliban rejected a government offer of a ceasefire.")
    assert refusal.stance == "statement"


def test_content_words_turn_a_statement_into_accusation_warning_or_demand(
    extractor: Extractor,
) -> None:
    assert only(extractor, "Officials said India is backing the rebels.").stance == "accusation"
    assert only(extractor, "Officials said the group poses a threat to the region.").stance == (
        "warning"
    )
    assert only(extractor, "Officials said Kabul must act now.").stance == "demand"


def test_hedges_and_evidence_in_the_content(extractor: Extractor) -> None:
    claim = only(
        extractor,
        "Officials said, citing credible evidence, that the group may have "
        "an estimated 6,000 fighters.",
    )
    assert {"may", "estimated"} <= set(claim.hedges)
    assert claim.numbers == ("6,000",)


def test_years_dates_and_ages_are_not_figures(extractor: Extractor) -> None:
    claim = only(extractor, "Police said a 16-year-old was held on Dec. 5 in 2017 with 12 others.")
    assert claim.numbers == ("12",)


def test_nested_sources_keep_the_inner_source(extractor: Extractor) -> None:
    text = (
        "UN experts said the threat grew. The experts said member states highlighted that IS "
        "is recruiting."
    )
    claim = claims(extractor, text)[-1]
    assert claim.claimant == "member states"
    assert claim.stance == "report"


def test_a_quotation_over_several_sentences_is_one_claim(extractor: Extractor) -> None:
    text = (
        "“The toll has risen to 13. Seventeen others were injured. The casualties are from "
        "two blasts,” Major Mohamed Hussein told Reuters."
    )
    claim = only(extractor, text)
    assert claim.claimant == "Mohamed Hussein"
    assert claim.text.startswith("“The toll has risen to 13.")
    assert claim.sentence.startswith("The casualties")


def test_a_following_quotation_sentence_is_a_claim_of_the_last_speaker(
    extractor: Extractor,
) -> None:
    text = (
        "“We have put our step forward,” Hamdullah Mohib said. “The ball is now in the court "
        "of the Taliban.”"
    )
    found = claims(extractor, text)
    assert [claim.claimant for claim in found] == ["Hamdullah Mohib", "Hamdullah Mohib"]
    assert found[1].about == ("Afghan Taliban",)


def test_a_group_spokesman_speaking_of_we_is_about_the_group(extractor: Extractor) -> None:
    claim = only(
        extractor,
        "“We decided to seize the buses,” Zabihullah Mujahid, a spokesman for the Taliban, said.",
    )
    assert claim.claimant == "Zabihullah Mujahid"
    assert claim.about == ("Afghan Taliban",)
    assert claim.stance == "responsibility"


@pytest.mark.parametrize(
    "text",
    [
        "The alleged masterminds were killed in the raid.",
        "A spokesman declined to comment.",
        "Israel has not commented on the strike.",
        "There were no reports that any staff were hurt.",
        "The Pentagon said it had no comment on the report.",
    ],
)
def test_no_claim_where_nothing_is_attributed(extractor: Extractor, text: str) -> None:
    assert claims(extractor, text) == ()
