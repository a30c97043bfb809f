"""Figures, places and dates as sentences write them."""

from __future__ import annotations

from digests.extract.actors import load_actors
from digests.qa.facts import dates, figures, people, places, unlisted_groups
from digests.qa.vocabulary import load_vocabulary
from digests.resources import config_dir

ACTORS = load_actors(config_dir() / "actors.yaml")
VOCABULARY = load_vocabulary(config_dir())


def texts(found) -> list[str]:
    return [fact.text for fact in found]


def test_figures_keep_their_qualifier_and_skip_years_dates_and_percentages() -> None:
    sentence = (
        "On Dec 26, 2018 the UN said around 6,000 fighters and nearly 100 others, about 40% "
        "of them, were in three provinces since 2017."
    )
    assert texts(figures(sentence)) == ["around 6,000", "nearly 100", "three"]


def test_places_prefer_the_longest_name_and_skip_groups() -> None:
    sentence = "Camps in Kandahar province and near Quetta were run by the Baloch Liberation Army."
    group_start = sentence.index("Baloch")
    found = texts(places(sentence, ACTORS, [(group_start, group_start + 22)]))
    assert found[:2] == ["Kandahar province", "Quetta"]
    assert "Baloch Liberation Army" not in found


def test_dates_days_and_relative_times() -> None:
    sentence = "The group said on Wednesday (Dec 26) that the attack last month began in 2017."
    assert texts(dates(sentence)) == ["on Wednesday (Dec 26)", "last month", "in 2017"]


def test_groups_off_the_watchlist_by_how_groups_name_themselves() -> None:
    sentence = (
        'A previously unknown group calling itself the Deccan Mujahideen, and JNIM, said'
        ' "Harkat ul Harb-e-Islam" and Islamic militants from Pakistan were not involved.'
    )
    assert texts(unlisted_groups(sentence, ACTORS, [], VOCABULARY)) == [
        "Deccan Mujahideen", "Harkat ul Harb-e-Islam"
    ]


def test_a_name_never_starts_with_a_preposition_or_month() -> None:
    sentence = "In October, Awtar Singh Khalsa met Ashraf Ghani in Kabul."
    assert texts(people(sentence, ACTORS, [])) == ["Awtar Singh Khalsa", "Ashraf Ghani"]
