"""Figures, places and dates as sentences write them."""

from __future__ import annotations

from digests.extract.actors import load_actors
from digests.qa.facts import dates, figures, places
from digests.resources import config_dir

ACTORS = load_actors(config_dir() / "actors.yaml")


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
