"""Reading questions: kind, groups (by any name, or misspelt), search words, references."""

from __future__ import annotations

import pytest

from digests.extract.watchlist import load_watchlist
from digests.qa.question import read_question, words_of
from digests.qa.vocabulary import load_vocabulary
from digests.resources import config_dir
from digests.store.groups import GroupRecord

WATCHLIST = load_watchlist(config_dir() / "groups.yaml")
GROUPS = [
    GroupRecord(number, entry.name, entry.short, entry.kind, entry.aliases, True)
    for number, entry in enumerate(WATCHLIST.groups, start=1)
]
VOCABULARY = load_vocabulary(config_dir())


def read(text: str):
    return read_question(text, GROUPS, VOCABULARY)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("how many fighters does the TTP have?", "how_many"),
        ("what's the death toll in Kabul", "how_many"),
        ("where are the camps?", "where"),
        ("which province was it in", "where"),
        ("when did they attack?", "when"),
        ("what day was the bombing", "when"),
        ("who claimed the Mogadishu bombing?", "which_group"),
        ("which group was behind it", "which_group"),
        ("who said that?", "who"),
        ("is that disputed?", "disputed"),
        ("did the Taliban deny it", "disputed"),
        ("source?", "source"),
        ("which outlet reported it", "source"),
        ("more on the BLA", "more"),
        ("what did the UN report say", "what"),
        # The cue standing first decides: a person is asked for, not a group or a figure.
        ("who is the TTP spokesman who claimed the airport attack", "who"),
        ("who is the spokesman who gave the death toll", "who"),
        ("which sikh politician died in the blast", "who"),
        ("is there disagreement over where he was caught", "disputed"),
        ("how far from the residence was the car bomb", "how_far"),
        ("how old was the kidnapped volunteer", "how_old"),
        ("whats the US bounty on hafiz saeed", "how_many"),
        ("did nigeria pay boko haram a ransom?", "what"),  # yes or no, not an amount
        ("whats the name of the houthi military spokesman", "who"),
        ("what's the name of the ISIS-inspired cell they busted", "which_group"),
        ("which pakistani group was first to pledge allegiance to IS", "which_group"),
        ("which boko haram faction leader is nigeria talking to", "who"),
        ("which MP saw the blast", "who"),
        ("which village elder talked to reuters", "who"),
        # How or where a claim was published asks for the outlet.
        ("how did al shabaab put out its claim for the car bombs", "source"),
        ("where did JNIM post its claim for the mali attack", "source"),
        ("which IS outlet claimed the shooting", "source"),
        ("which universal tv journalist died in the blast", "who"),  # a person at an outlet
        ("which state dept spokeswoman confirmed the capture", "who"),
        ("which british MEP was in the taj lobby", "who"),
        ("which al jazeera cameraman was killed with him", "who"),
        ("which pentagon press secretary spoke", "who"),
        ("what injury count did sana give for the aleppo attack", "how_many"),
        ("which valley near mukalla did the troops take", "where"),
        ("which barangay in sumisip did abu sayyaf behead the couple", "where"),
        ("whats the farah governors name", "who"),
        ("date of the last iraqi report on baghdadi", "when"),
        ("does the cia buy the IS claim about vegas?", "disputed"),
        ("did the americans buy his story", "disputed"),
        ("who did the IRGC spokesman blame for the parade attack", "which_group"),
        ("which group killed the police chief", "which_group"),
        ("where did ghani announce his negotiating team", "where"),
        # An opening "what" or "which" decides over a "when" or "where" in a later clause.
        ("whats the title of the book he was promoting when he got killed", "what"),
        ("which demolished mosque did the gunman mention when he phoned", "what"),
        ("on which kenyan island was the french woman kidnapped", "where"),
        ("what part of dahiyeh did the strike hit", "where"),
        ("who do dhaka cops think killed avijit roy", "which_group"),
        ("who did it", "which_group"),
        ("whos the british envoy to kabul", "who"),
        ("name of the diplomat killed when IS stormed the ministry?", "who"),
        ("name of the outfit the NIA busted", "which_group"),
        ("what was the name of the army op in north waziristan", "what"),
        # Asking for proof asks whether a claim stands.
        ("did IS offer any proof for its claim", "disputed"),
        ("has anyone verified the claim", "disputed"),
        ("who did ghani pick to lead the team", "who"),
        # A building asked for by its kind is a place; an affiliate or party, a group.
        ("which train station did the gunmen shoot up", "where"),
        ("karachi airport raid - which terminal did they storm", "where"),
        ("which AQ affiliate in syria is among the strongest", "which_group"),
        ("which party does he advise", "which_group"),
        ("rockets hit buildings in which israeli towns", "where"),
        # After a topic and a dash, a question for a figure, place or date decides; who
        # said what may stand in the topic.
        ("lakhvi, the mastermind who got bail - how old is he?", "how_old"),
        ("omar hammami, the jihadi who fell out w/ godane - which US state was he from?",
         "where"),
        ("FM says he agreed to a ceasefire - who called that ridiculous?", "disputed"),
        ("which month did the UN list tahrir al-sham", "when"),
        ("manmohan singh called which insurgency the biggest threat", "which_group"),
        ("lakhvi bail: which prosecutor confirmed the court let him out?", "who"),
        ("what yr did the taliban try to broker talks", "when"),
        ("which countries sent troops", "where"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert read(text).kind == kind


def test_groups_by_short_name_alias_and_misspelling_leave_the_other_words() -> None:
    question = read("how many fighters do the pakistani taliban and al shabab have?")
    assert [group.short for group in question.groups] == ["TTP", "al-Shabaab"]
    assert question.terms == ("fighters",)


def test_possessives_and_chat_words_are_not_search_words() -> None:
    question = read("whos the BLA's spokesman, pls?")
    assert [group.short for group in question.groups] == ["BLA"]
    assert question.terms == ("spokesman",)


def test_a_chat_word_typed_in_lower_case_is_no_short_name() -> None:
    # "abt" is "about", not the ABT (Ansarullah Bangla Team) ...
    question = read("who put out the statement abt the arge attack")
    assert question.groups == ()
    # ... which is named when typed as its short name.
    assert [group.short for group in read("what did the ABT claim").groups] == ["ABT"]
    # An acronym typed in lower case names its group; a mixed-case short name typed in
    # lower case is a word: "let" is no LeT (Lashkar-e-Taiba).
    assert [group.short for group in read("what did the bla say").groups] == ["BLA"]
    question = read("when was the ceasefire declared to let boko haram bring the girls back")
    assert [group.name for group in question.groups] == ["Boko Haram"]
    assert [group.short for group in read("who leads LeT").groups] == ["LeT"]
    assert [group.name for group in read("what did hamas say").groups] == ["Hamas"]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("how big is the US bounty on fazlullah", ("bounty", "fazlullah")),
        ("what day did gunmen hit the consulate", ("gunmen", "hit", "consulate")),
        ("whats the name of the military spokesman", ("military", "spokesman")),
        # A key verb is searched for: "claimed" is what the question is about.
        ("which group claimed the mall bombing", ("claimed", "mall", "bombing")),
    ],
)
def test_words_saying_what_kind_of_answer_is_wanted_are_not_search_words(
    text: str, terms: tuple[str, ...]
) -> None:
    assert read(text).terms == terms


@pytest.mark.parametrize(
    ("text", "ordinal", "refers_back"),
    [
        ("who said that?", None, True),
        ("and the second one?", 2, True),
        ("the last one, is it disputed?", -1, True),
        ("how many TTP fighters are in Afghanistan?", None, False),
    ],
)
def test_references_to_the_thread(text: str, ordinal: int | None, refers_back: bool) -> None:
    question = read(text)
    assert question.ordinal == ordinal
    assert question.refers_back is refers_back


def test_a_question_of_only_question_words_is_empty() -> None:
    assert read("who? what? where?").is_empty
    assert not read("TTP?").is_empty


def test_a_possessive_is_no_part_of_the_word() -> None:
    assert words_of("Kenya's election and Ghani’s offer") == ["kenya", "election", "and",
                                                             "ghani", "offer"]
    assert read("when is kenya's election").terms == ("kenya", "election")


def test_the_person_asked_for_is_named_by_role() -> None:
    assert read("which tribal elder in farah talked to AFP").role == "elder"
    assert read("who is the MILF chairman").role is None  # no "which": the terms say it


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("which pakistani group was first to pledge allegiance to IS", "first"),
        ("when was the last attack in kabul", "last"),
        ("who was the first group to claim it", "first"),
    ],
)
def test_an_ordinal_about_the_world_is_searched_for_not_a_thread_reference(
    text: str, term: str
) -> None:
    question = read(text)
    assert question.ordinal is None
    assert term in question.terms


def test_a_question_about_speaking_names_the_speaking_outside_an_aside() -> None:
    assert read("who claimed the jalalabad blast").about_speaking
    assert read("which official said the girls were freed").about_speaking
    # The aside says which story; the question asks who died, not who claimed it.
    assert not read("which sikh candidate died in the blast (the one IS claimed)?").about_speaking
    # "Islamic State" states nothing; a statement does.
    assert not read("which diplomat died when the islamic state hit the ministry").about_speaking
    assert read("whose statement gave the toll").about_speaking
    assert read("who's the chatham house guy quoted on the massacre").about_speaking
    assert read("who's the tribal elder who talked to afp").about_speaking
    assert not read("who heads the team for the peace talks").about_speaking
    # Holding a view aloud is speaking; being believed to have done something is not.
    assert read("which analyst reckons al shabab has no clear successor").about_speaking
    assert read("which official questioned whether the girls were abducted").about_speaking
    assert not read("who is believed to have planted the bomb").about_speaking
    # So is disputing what someone said.
    assert read("who's denying responsibility for the rocket").about_speaking
    assert read("who rejects the idf claim").about_speaking
    assert read("who's pushing back on the idf claim").about_speaking
