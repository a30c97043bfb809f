"""Non-group actors and reading source descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from digests.extract.actors import (
    Actors,
    ActorsError,
    Source,
    build_actors,
    describe_source,
    load_actors,
)

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def actors() -> Actors:
    return load_actors(CONFIG_DIR / "actors.yaml")


def describe(actors: Actors, text: str) -> Source | None:
    return describe_source(text, 0, len(text), actors, actors.find(text), ())


def test_capitals_and_demonyms_stand_for_their_state(actors: Actors) -> None:
    found = {
        (m.surface, m.kind, m.country)
        for m in actors.find(
            "Kabul and Islamabad traded charges; New Delhi and Afghan officials kept quiet."
        )
    }
    assert ("Kabul", "capital", "Afghanistan") in found
    assert ("Islamabad", "capital", "Pakistan") in found
    assert ("New Delhi", "capital", "India") in found
    assert ("Afghan", "demonym", "Afghanistan") in found


def test_acronyms_match_their_case_and_longest_names_win(actors: Actors) -> None:
    found = [
        (m.surface, m.name)
        for m in actors.find("The UN Security Council met; un-named diplomats and the UN agreed.")
    ]
    assert ("UN Security Council", "UN Security Council") in found
    assert ("UN", "United Nations") in found
    assert all(surface != "un" for surface, _ in found)


def test_british_and_american_spellings_name_the_same_body(actors: Actors) -> None:
    for text in ("the Israel Defence Forces said", "the Israel Defense Forces said"):
        assert [mention.name for mention in actors.find(text)] == ["Israel Defense Forces"]


@pytest.mark.parametrize(
    ("description", "claimant", "role", "org", "kind"),
    [
        (
            "Foreign Office spokesperson Shafqat Ali Khan",
            "Shafqat Ali Khan",
            "Foreign Office spokesperson",
            "Foreign Office",
            "person",
        ),
        (
            "An interior ministry spokesman",
            "interior ministry spokesman",
            "interior ministry spokesman",
            "interior ministry",
            "role",
        ),
        (
            "Pakistan's Samaa Television",
            "Pakistan's Samaa Television",
            "",
            "Samaa Television",
            "org",
        ),
        ("Washington", "Washington", "", "United States", "state"),
        ("UN monitoring teams", "UN monitoring teams", "", "UN monitoring teams", "org"),
        ("Secretary of State Rex Tillerson", "Rex Tillerson", "Secretary of State", "", "person"),
        (
            "Jiand Baloch, a spokesman for the separatist group",
            "Jiand Baloch",
            "spokesman for the separatist group",
            "",
            "person",
        ),
        ("Some reports", "Some reports", "", "", "unnamed"),
        (
            "A senior interior ministry official in Kabul",
            "senior interior ministry official",
            "senior interior ministry official",
            "interior ministry",
            "role",
        ),
        ("his stepdaughter, Trisha Ahmed", "Trisha Ahmed", "his stepdaughter", "", "person"),
        (
            "Benjamin Netanyahu's office",
            "Benjamin Netanyahu's office",
            "",
            "Benjamin Netanyahu's office",
            "org",
        ),
    ],
)
def test_source_descriptions_give_claimant_role_and_organisation(
    actors: Actors, description: str, claimant: str, role: str, org: str, kind: str
) -> None:
    source = describe(actors, description)
    assert source is not None
    assert (source.claimant, source.role, source.org, source.kind) == (claimant, role, org, kind)


def test_pronouns_are_marked_for_resolution(actors: Actors) -> None:
    source = describe(actors, "They")
    assert source is not None and source.kind == "pronoun" and source.plural


@pytest.mark.parametrize("description", ["The attack", "a blast near the market", "a Shia woman"])
def test_things_that_are_not_sources_are_refused(actors: Actors, description: str) -> None:
    assert describe(actors, description) is None


def test_the_head_word_is_kept_for_later_references(actors: Actors) -> None:
    source = describe(actors, "Esmatullah Muradi, a spokesman for the governor of Kunduz")
    assert source is not None and source.head == "spokesman"


def test_bad_actor_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ActorsError, match="unknown section"):
        build_actors({"planets": []}, "actors.yaml")
    with pytest.raises(ActorsError, match="no name"):
        build_actors({"countries": [{"capitals": ["Kabul"]}]}, "actors.yaml")
    with pytest.raises(ActorsError, match="must be a list of strings"):
        build_actors({"roles": "spokesman"}, "actors.yaml")
    path = tmp_path / "actors.yaml"
    path.write_text("countries: [\n", encoding="utf-8")
    with pytest.raises(ActorsError, match=r"actors\.yaml: not valid YAML"):
        load_actors(path)
