"""Group finding: watchlist matching, acronyms, lists, the bare "Taliban", anaphora."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digests.extract.groups import find_groups, summarise_groups
from digests.extract.model import GroupEntry, GroupMention, Relation
from digests.extract.watchlist import Watchlist, load_watchlist

CONFIG = Path(__file__).resolve().parents[2] / "config" / "groups.yaml"

TTP = "Tehrik-i-Taliban Pakistan"
BLA = "Baloch Liberation Army"
AFGHAN_TALIBAN = "Afghan Taliban"
ISKP = "Islamic State Khorasan Province"

# The document sitrep started from (a Pakistani Foreign Office briefing, as reported).
SEED = (
    "Pakistan has once again called on the Taliban-led administration in Afghanistan to "
    "dismantle safe havens used by militant groups such as the banned Tehreek-e-Taliban "
    "Pakistan (TTP) and Baloch Liberation Army (BLA), accusing Kabul of offering both "
    "financial and logistical support to the banned outfits.\n"
    "At a weekly press briefing, Foreign Office spokesperson Shafqat Ali Khan stressed that "
    "cross-border terrorism remains a top concern in diplomatic engagements with the Afghan "
    "authorities. He asserted that Pakistan possesses credible evidence proving that the TTP "
    "and BLA are operating from Afghan soil with external assistance.\n"
    "“These groups continue to pose a serious threat to Pakistan’s security, and we have "
    "raised this matter repeatedly with Kabul,” Khan said.\n"
    "The spokesperson further alleged that India has been backing Baloch insurgents, citing "
    "what he described as documented proof of Indian involvement in destabilizing activities "
    "through support for groups like the BLA.\n"
    "Khan emphasized that Pakistan expects the Taliban regime to take concrete action against "
    "all terror outfits using Afghan territory to launch attacks across the border.\n"
    "His remarks are consistent with findings by the United Nations, which earlier reported "
    "that the TTP, estimated to have around 6,000 fighters, receives substantial operational "
    "support from elements within the Taliban. The UN has also noted internal divisions among "
    "the Taliban leadership, with some factions pushing for a reduction in ties with the TTP "
    "to improve regional relations.\n"
    "UN monitoring teams have warned that Afghanistan continues to serve as a sanctuary for "
    "transnational terror groups. The most pressing threat, they noted, is posed by "
    "ISIS–Khorasan (ISIS-K), while al-Qaeda is believed to be involved in training and "
    "ideological indoctrination of other militant networks.\n"
    "While the Taliban has dismissed the UN reports as “propaganda”, multiple UN member states "
    "have shared intelligence indicating close coordination between the TTP and BLA, including "
    "its suicide wing, the Majeed Brigade. Some reports point to at least four shared training "
    "camps run jointly by the two groups in southern Afghanistan’s Kandahar province, "
    "specifically in Shah Wali Kot and Shorabak, with al-Qaeda reportedly providing training "
    "and logistical aid."
)


@cache
def _real_watchlist() -> Watchlist:
    return load_watchlist(CONFIG)


@pytest.fixture
def watchlist() -> Watchlist:
    return _real_watchlist()


def named(text: str, watchlist: Watchlist) -> list[tuple[str, str]]:
    """(surface, group) of the mentions that name a group (anaphora left out)."""
    return [(m.surface, m.group) for m in find_groups(text, watchlist) if m.via != "anaphora"]


def groups_of(text: str, watchlist: Watchlist) -> set[str]:
    return {group.name for group in summarise_groups(find_groups(text, watchlist), watchlist)}


# --- the seed document ------------------------------------------------------------------------


def test_seed_finds_exactly_the_gold_groups(watchlist: Watchlist) -> None:
    assert groups_of(SEED, watchlist) == {
        TTP,
        BLA,
        AFGHAN_TALIBAN,
        "Majeed Brigade",
        ISKP,
        "al-Qaeda",
    }


def test_seed_names_no_state_or_international_body(watchlist: Watchlist) -> None:
    surfaces = {m.surface for m in find_groups(SEED, watchlist)}
    for not_a_group in ("Pakistan", "Kabul", "India", "United Nations", "UN", "Foreign Office"):
        assert not_a_group not in surfaces


def test_seed_counts_and_shorts(watchlist: Watchlist) -> None:
    found = {g.name: g for g in summarise_groups(find_groups(SEED, watchlist), watchlist)}
    assert found[TTP].short == "TTP"
    assert found[TTP].mentions == 6  # long name, (TTP), and four bare uses; no anaphora
    assert found[BLA].mentions == 5
    assert found[ISKP].mentions == 2
    assert all(group.on_watchlist for group in found.values())


def test_seed_plural_anaphora_resolve_to_ttp_and_bla(watchlist: Watchlist) -> None:
    anaphora: dict[str, set[str]] = {}
    for mention in find_groups(SEED, watchlist):
        if mention.via == "anaphora":
            anaphora.setdefault(mention.surface, set()).add(mention.group)
    assert anaphora["the banned outfits"] == {TTP, BLA}
    assert anaphora["These groups"] == {TTP, BLA}
    assert anaphora["the two groups"] == {TTP, BLA}
    assert anaphora["its suicide wing"] == {"Majeed Brigade"}
    assert "all terror outfits" not in anaphora  # generic, not a reference back


def test_seed_bare_taliban_is_the_afghan_taliban(watchlist: Watchlist) -> None:
    taliban = [m for m in find_groups(SEED, watchlist) if m.surface == "Taliban"]
    assert len(taliban) == 5
    assert {(m.group, m.via) for m in taliban} == {(AFGHAN_TALIBAN, "context")}


# --- watchlist matching ------------------------------------------------------------------------


def test_spelling_variants_and_dashes(watchlist: Watchlist) -> None:
    text = (
        "Tehreek e Taliban Pakistan and Tehrik-i-Taliban Pakistan and "
        "Tehrik–e–Taliban Pakistan attacked; ISIS–Khorasan and Islamic State - Khorasan "
        "Province also did."
    )
    assert [group for _, group in named(text, watchlist)] == [TTP, TTP, TTP, ISKP, ISKP]


def test_acronyms_are_case_sensitive(watchlist: Watchlist) -> None:
    assert named("The ELN and the BLA claimed it.", watchlist) == [
        ("ELN", "National Liberation Army (Colombia)"),
        ("BLA", BLA),
    ]
    assert named("Blah blah, said the eln fan; bla bla.", watchlist) == []


def test_acronym_words_inside_longer_aliases_keep_their_case(watchlist: Watchlist) -> None:
    assert named("Fighters of IS in Khorasan regrouped.", watchlist) == [("IS in Khorasan", ISKP)]
    assert named("The base is in Khorasan province.", watchlist) == []


def test_two_spellings_of_one_key(watchlist: Watchlist) -> None:
    # "ISIS" is an acronym alias, "Isis" (British house style) another spelling of it.
    assert named("ISIS and Isis are one group.", watchlist) == [
        ("ISIS", "Islamic State"),
        ("Isis", "Islamic State"),
    ]


def test_long_names_ignore_case(watchlist: Watchlist) -> None:
    assert named("HAMAS and baloch liberation army", watchlist) == [
        ("HAMAS", "Hamas"),
        ("baloch liberation army", BLA),
    ]


def test_word_boundaries(watchlist: Watchlist) -> None:
    # "BLAST", "Hamasi" and "TTPs2" are not the groups inside them.
    assert named("A BLAST near Hamasi village; code TTPs2.", watchlist) == []


def test_possessive(watchlist: Watchlist) -> None:
    assert named("The TTP's chief and Hezbollah’s leader met.", watchlist) == [
        ("TTP", TTP),
        ("Hezbollah", "Hezbollah"),
    ]


def test_longest_match_wins(watchlist: Watchlist) -> None:
    assert named("The Islamic State Khorasan Province struck Kabul.", watchlist) == [
        ("Islamic State Khorasan Province", ISKP)
    ]
    assert named("al-Qaeda in the Indian Subcontinent (AQIS) grew.", watchlist) == [
        ("al-Qaeda in the Indian Subcontinent", "al-Qaeda in the Indian Subcontinent"),
        ("AQIS", "al-Qaeda in the Indian Subcontinent"),
    ]


def test_all_caps_headline_is_no_evidence_for_an_acronym(watchlist: Watchlist) -> None:
    assert named("TIP OF THE DAY FOR TRAVELLERS", watchlist) == []
    assert named("Uyghur fighters of the TIP were seen.", watchlist) == [
        ("TIP", "East Turkestan Islamic Movement")
    ]


def test_words_glued_by_a_scrape(watchlist: Watchlist) -> None:
    assert named("TheIslamic State Khorasan Province claimed it.", watchlist) == [
        ("Islamic State Khorasan Province", ISKP)
    ]


def test_line_breaks_and_double_spaces_inside_a_name(watchlist: Watchlist) -> None:
    text = "Members of the Baloch\nLiberation  Army fled."
    mentions = find_groups(text, watchlist)
    assert [(m.group, m.start, m.end) for m in mentions] == [
        (BLA, text.index("Baloch"), text.index(" fled"))
    ]


# --- acronym definitions -------------------------------------------------------------------------


def test_definition_introduces_an_unlisted_group(watchlist: Watchlist) -> None:
    text = (
        "The Ansar Ghazwat-ul-Hind (AGH) claimed the attack. Police said AGH fighters fled. "
        "AGH later denied it."
    )
    mentions = find_groups(text, watchlist)
    assert [(m.surface, m.via) for m in mentions] == [
        ("Ansar Ghazwat-ul-Hind", "acronym"),
        ("AGH", "acronym"),
        ("AGH", "acronym"),
        ("AGH", "acronym"),
    ]
    (group,) = summarise_groups(mentions, watchlist)
    assert (group.name, group.short, group.mentions, group.on_watchlist) == (
        "Ansar Ghazwat-ul-Hind",
        "AGH",
        4,
        False,
    )


def test_definition_binds_an_acronym_to_a_listed_group(watchlist: Watchlist) -> None:
    text = "The Islamic State (IS) claimed it. Officials said IS fighters had left."
    assert [(m.surface, m.group, m.via) for m in find_groups(text, watchlist)] == [
        ("Islamic State", "Islamic State", "watchlist"),
        ("IS", "Islamic State", "acronym"),
        ("IS", "Islamic State", "acronym"),
    ]


def test_bare_is_without_a_definition_is_nothing(watchlist: Watchlist) -> None:
    assert named("What IS the plan? It IS unclear.", watchlist) == []


def test_definition_inside_a_longer_name(watchlist: Watchlist) -> None:
    text = "Insurgents of the Islamic State (IS) in Khorasan regrouped. The IS recruited."
    assert {m.group for m in find_groups(text, watchlist)} == {ISKP}


def test_definition_reversed(watchlist: Watchlist) -> None:
    text = "The LeM (Lashkar-e-Mustafa) cell was broken up; LeM men were held."
    assert [(m.surface, m.group) for m in find_groups(text, watchlist)] == [
        ("LeM", "Lashkar-e-Mustafa"),
        ("Lashkar-e-Mustafa", "Lashkar-e-Mustafa"),
        ("LeM", "Lashkar-e-Mustafa"),
    ]


def test_unlisted_name_replaces_a_partial_watchlist_match(watchlist: Watchlist) -> None:
    text = "The Tehrik-e-Taliban Swat (TTS) is a local offshoot."
    assert groups_of(text, watchlist) == {"Tehrik-e-Taliban Swat"}


@pytest.mark.parametrize(
    "text",
    [
        "The Inter-Services Intelligence (ISI) denied it.",
        "The Pakistan Army (PA) said so.",
        "The Frontier Corps (FC) said so.",
        "The United Nations (UN) said so.",
        "The Counter Terrorism Department (CTD) arrested him.",
        "The Afghan National Army (ANA) retreated.",
        "The National Directorate of Security (NDS) said so.",
        "The Rapid Action Battalion (RAB) said so.",
        "The Financial Action Task Force (FATF) met.",
        "The Pakistan Muslim League (PML) won.",
    ],
)
def test_state_bodies_are_not_groups(watchlist: Watchlist, text: str) -> None:
    assert find_groups(text, watchlist) == ()


# --- "groups such as X and Y" --------------------------------------------------------------------


def test_such_as_list_of_unlisted_groups(watchlist: Watchlist) -> None:
    text = (
        "Militant groups such as Ansar Ghazwat-ul-Hind, Lashkar-e-Mustafa and the TTP operate "
        "there. Lashkar-e-Mustafa denied it."
    )
    assert [(m.surface, m.via) for m in find_groups(text, watchlist)] == [
        ("Ansar Ghazwat-ul-Hind", "such_as"),
        ("Lashkar-e-Mustafa", "such_as"),
        ("TTP", "watchlist"),
        ("Lashkar-e-Mustafa", "such_as"),
    ]


def test_such_as_needs_an_armed_group(watchlist: Watchlist) -> None:
    text = "Rights groups such as Amnesty International and Human Rights Watch objected."
    assert find_groups(text, watchlist) == ()


def test_such_as_skips_adjectives_and_states(watchlist: Watchlist) -> None:
    assert find_groups("Violent movements like the Maoist insurgency grew.", watchlist) == ()
    text = "Terrorist outfits including Pakistan and the Pakistan Army were named."
    assert find_groups(text, watchlist) == ()


def test_outfits_including(watchlist: Watchlist) -> None:
    text = "Banned outfits including Jamaat-ul-Furqan were named."
    assert named(text, watchlist) == [("Jamaat-ul-Furqan", "Jamaat-ul-Furqan")]


# --- the bare "Taliban" --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Taliban-led administration in Kabul denied it.",
        "The Taliban regime rejected the claim.",
        "The Taliban captured Kunduz.",
        "Officials of the Islamic Emirate denied it.",
    ],
)
def test_bare_taliban_defaults_to_afghan(watchlist: Watchlist, text: str) -> None:
    assert groups_of(text, watchlist) == {AFGHAN_TALIBAN}


def test_pakistani_taliban_is_the_ttp(watchlist: Watchlist) -> None:
    assert groups_of("The Pakistani Taliban claimed it.", watchlist) == {TTP}
    assert groups_of("Pakistan’s Taliban claimed it.", watchlist) == {TTP}


def test_taliban_in_pakistan_is_the_ttp(watchlist: Watchlist) -> None:
    mentions = find_groups("The Taliban in Pakistan claimed the Peshawar attack.", watchlist)
    assert [(m.surface, m.group, m.via) for m in mentions] == [("Taliban", TTP, "context")]


def test_pakistan_only_story_about_the_ttp(watchlist: Watchlist) -> None:
    text = "The TTP attacked a checkpoint in Swat. The Taliban later released a video."
    assert groups_of(text, watchlist) == {TTP}


def test_afghan_cue_keeps_both_talibans_apart(watchlist: Watchlist) -> None:
    text = "The TTP operates from Afghanistan, where the Taliban rule."
    assert groups_of(text, watchlist) == {TTP, AFGHAN_TALIBAN}


def test_breakaway_taliban_group_is_not_the_taliban(watchlist: Watchlist) -> None:
    assert find_groups("A breakaway Taliban group claimed it.", watchlist) == ()


# --- anaphora ------------------------------------------------------------------------------------


def anaphora(text: str, watchlist: Watchlist) -> list[tuple[str, str]]:
    return [(m.surface, m.group) for m in find_groups(text, watchlist) if m.via == "anaphora"]


def test_the_group_is_the_last_named_group(watchlist: Watchlist) -> None:
    text = "Hamas fired rockets. Hezbollah joined. The group said it would continue."
    assert anaphora(text, watchlist) == [("The group", "Hezbollah")]


def test_the_militant_group_and_the_outfit(watchlist: Watchlist) -> None:
    text = "The BLA claimed it. The militant group said the outfit had lost two men."
    assert anaphora(text, watchlist) == [("The militant group", BLA), ("the outfit", BLA)]


def test_both_groups_and_the_two_groups(watchlist: Watchlist) -> None:
    text = "Hamas and Hezbollah fired rockets. Both groups denied it; the two groups met."
    assert anaphora(text, watchlist) == [
        ("Both groups", "Hamas"),
        ("Both groups", "Hezbollah"),
        ("the two groups", "Hamas"),
        ("the two groups", "Hezbollah"),
    ]


def test_plural_anaphor_shares_its_span(watchlist: Watchlist) -> None:
    text = "The TTP and the BLA were named. These groups deny it."
    plural = [m for m in find_groups(text, watchlist) if m.via == "anaphora"]
    assert {(m.start, m.end) for m in plural} == {(text.index("These"), text.index(" deny"))}
    assert {m.group for m in plural} == {TTP, BLA}


def test_the_two_groups_without_a_list_takes_the_last_two(watchlist: Watchlist) -> None:
    text = "Hamas fired. Later Hezbollah fired. Israel said the two groups coordinated."
    assert {group for _, group in anaphora(text, watchlist)} == {"Hamas", "Hezbollah"}


def test_no_anaphora_without_an_antecedent(watchlist: Watchlist) -> None:
    assert find_groups("The group said it would continue. These groups deny it.", watchlist) == ()


def test_a_group_of_and_generic_outfits_are_no_anaphora(watchlist: Watchlist) -> None:
    text = "The TTP claimed it. The group of ministers met. Terror outfits abound."
    assert anaphora(text, watchlist) == []


def test_its_wing_resolves_to_the_listed_wing(watchlist: Watchlist) -> None:
    text = "The BLA said its suicide wing carried out the attack."
    assert anaphora(text, watchlist) == [("its suicide wing", "Majeed Brigade")]
    # Named only through "its suicide wing", the wing is not a group the text names.
    assert groups_of(text, watchlist) == {BLA}


def test_anaphora_are_not_counted_as_mentions(watchlist: Watchlist) -> None:
    text = "The TTP claimed it. The group said more would follow. The group is banned."
    (group,) = summarise_groups(find_groups(text, watchlist), watchlist)
    assert group.mentions == 1


# --- shape of the output -------------------------------------------------------------------------


def test_small_custom_watchlist() -> None:
    custom = Watchlist.from_entries(
        [
            GroupEntry("Alpha Front", "AF", "militant", aliases=("AF", "Alpha-Front")),
            GroupEntry(
                "Alpha Martyrs Squad",
                "AMS",
                "wing",
                relations=(Relation("wing_of", "Alpha Front"),),
            ),
        ]
    )
    text = "The AF and the Alpha Front said its martyrs squad struck. The Taliban watched."
    mentions = find_groups(text, custom)
    assert [(m.surface, m.group, m.via) for m in mentions] == [
        ("AF", "Alpha Front", "watchlist"),
        ("Alpha Front", "Alpha Front", "watchlist"),
        ("Taliban", "Taliban", "context"),
    ]
    found = summarise_groups(mentions, custom)
    assert [(g.name, g.mentions, g.on_watchlist) for g in found] == [
        ("Alpha Front", 2, True),
        ("Taliban", 1, False),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "the TTP",
                "BLA",
                "(BLA)",
                "Islamic State",
                "(IS)",
                "IS",
                "Taliban",
                "the group",
                "these groups",
                "its suicide wing",
                "groups such as",
                "Ansar Front",
                "(AF)",
                " and ",
                ", ",
                ". ",
                "–",
                "-",
                "’s",
                "\n",
                "  ",
                "al-Qaeda",
                "ISIS–K",
                "x",
                "É",
                "İ",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_mentions_are_sorted_and_point_into_the_text(text: str) -> None:
    watchlist = _real_watchlist()
    mentions = find_groups(text, watchlist)
    assert list(mentions) == sorted(mentions, key=lambda m: m.start)
    named_spans = [(m.start, m.end) for m in mentions if m.via != "anaphora"]
    for (_, end), (start, _) in itertools.pairwise(named_spans):
        assert end <= start  # named mentions never overlap
    for mention in mentions:
        assert isinstance(mention, GroupMention)
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.surface
