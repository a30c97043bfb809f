"""Corroborating and disputing links between claims."""

from __future__ import annotations

from digests.extract.links import ClaimLink, link_claims, relate
from digests.extract.model import Claim


def claim(
    claimant: str,
    stance: str,
    text: str,
    about: tuple[str, ...] = (),
    org: str = "",
    role: str = "",
    numbers: tuple[str, ...] = (),
) -> Claim:
    return Claim(
        claimant=claimant,
        claimant_role=role,
        claimant_org=org,
        cue="said",
        stance=stance,
        text=text,
        sentence=text,
        about=about,  # type: ignore[arg-type]
        numbers=numbers,
    )


UN_REPORT = claim(
    "United Nations",
    "report",
    "the TTP, estimated to have around 6,000 fighters, receives substantial "
    "operational support from elements within the Taliban",
    about=("Tehrik-i-Taliban Pakistan", "Afghan Taliban"),
    numbers=("6,000",),
)
UN_TEAMS = claim(
    "UN monitoring teams",
    "warning",
    "Afghanistan continues to serve as a sanctuary for transnational terror groups",
)
TALIBAN_DENIAL = claim(
    "Taliban", "denial", "dismissed the UN reports as “propaganda”", org="Afghan Taliban"
)
OTHER_REPORT = claim(
    "Some reports",
    "report",
    "at least four shared training camps run jointly",
    about=("Tehrik-i-Taliban Pakistan",),
)


def test_a_denial_naming_the_source_disputes_its_claims() -> None:
    assert relate(TALIBAN_DENIAL, UN_REPORT) == "disputes"
    assert relate(TALIBAN_DENIAL, UN_TEAMS) == "disputes"  # "UN" names the UN's teams too


def test_a_denial_does_not_dispute_unrelated_sources() -> None:
    assert relate(TALIBAN_DENIAL, OTHER_REPORT) is None
    assert relate(UN_REPORT, TALIBAN_DENIAL) is None  # a report does not dispute a denial


def test_the_accused_denying_the_same_proposition_disputes_it() -> None:
    accusation = claim(
        "Washington",
        "accusation",
        "Pakistan is giving assistance to the Taliban fighters",
        about=("Afghan Taliban",),
    )
    denial = claim(
        "Taliban", "denial", "denied receiving assistance from Pakistan", org="Afghan Taliban"
    )
    assert relate(denial, accusation) == "disputes"


def test_the_same_proposition_from_another_source_corroborates() -> None:
    other = claim(
        "Pakistani officials",
        "report",
        "the TTP has some 6,000 fighters and operational support from the Taliban",
        about=("Tehrik-i-Taliban Pakistan",),
        numbers=("6,000",),
    )
    assert relate(other, UN_REPORT) == "corroborates"
    assert relate(UN_REPORT, other) == "corroborates"


def test_a_source_does_not_corroborate_itself_and_different_groups_do_not_meet() -> None:
    same = claim("United Nations", "report", UN_REPORT.text, about=UN_REPORT.about)
    assert relate(same, UN_REPORT) is None
    elsewhere = claim("Police", "statement", UN_REPORT.text, about=("al-Shabaab",))
    assert relate(elsewhere, UN_REPORT) is None


def test_link_claims_counts_corroboration_across_documents_only_and_once() -> None:
    twin = claim("Reuters", "report", UN_REPORT.text, about=UN_REPORT.about)
    pairs = [("a", UN_REPORT), ("a", twin), ("b", twin), ("a", TALIBAN_DENIAL)]
    links = link_claims(pairs)
    assert ClaimLink(0, 2, "corroborates") in links
    assert ClaimLink(0, 1, "corroborates") not in links  # same document
    assert ClaimLink(2, 0, "corroborates") not in links  # each pair once
    assert ClaimLink(3, 0, "disputes") in links


def test_link_claims_with_new_keeps_only_the_links_of_the_new_claims() -> None:
    twin = claim("Reuters", "report", UN_REPORT.text, about=UN_REPORT.about)
    pairs = [
        ("b", TALIBAN_DENIAL),
        ("b", twin),
        ("a", UN_REPORT),
        ("a", UN_TEAMS),
        ("c", OTHER_REPORT),
        ("c", claim("Analysts", "report", UN_REPORT.text, about=UN_REPORT.about)),
    ]
    every = link_claims(pairs)
    for new in range(len(pairs) + 1):
        expected = tuple(link for link in every if link.source < new or link.target < new)
        assert link_claims(pairs, new=new) == expected
    assert {link.kind for link in every} == {"corroborates", "disputes"}
