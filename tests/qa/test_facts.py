"""Figures, places and dates as sentences write them."""

from __future__ import annotations

from digests.extract.actors import load_actors
from digests.qa.facts import (
    ages,
    asked_direction,
    asked_fact,
    asked_roles,
    dates,
    described_as,
    direction_at,
    distances,
    fact_key,
    figures,
    is_specific,
    names_a_person,
    names_given,
    outlets,
    people,
    people_by_surname,
    places,
    role_qualifiers,
    support,
    times,
    unlisted_groups,
    with_dateline,
)
from digests.qa.question import read_question
from digests.qa.vocabulary import load_vocabulary, stem
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
    assert texts(figures("Twenty-one other people were wounded.")) == ["Twenty-one"]
    assert texts(figures("Nearly a quarter of a million fighters, half a million more.")) == [
        "Nearly a quarter of a million", "half a million"
    ]


def test_facts_written_differently_compare_the_same() -> None:
    assert fact_key("At least 31") == fact_key("31") == "31"
    assert fact_key("Twenty-one") == fact_key("21")
    assert fact_key("about 40,000") == fact_key("40000")
    assert fact_key("the town of Arge") == fact_key("town of Arge") == fact_key("Arge")
    assert fact_key("Tehran") != fact_key("Doha")
    assert fact_key("31") != fact_key("13")


def test_a_day_of_the_month_and_a_multiple_count_nothing() -> None:
    sentence = "On 9 October, a spill four times the size of the last hit 3 towns and 12 villages."
    assert texts(figures(sentence)) == ["3", "12"]


def test_places_prefer_the_longest_name_and_skip_groups() -> None:
    sentence = "Camps in Kandahar province and near Quetta were run by the Baloch Liberation Army."
    group_start = sentence.index("Baloch")
    found = texts(places(sentence, ACTORS, [(group_start, group_start + 22)]))
    assert found[:2] == ["Kandahar province", "Quetta"]
    assert "Baloch Liberation Army" not in found
    # Who lives in a place is not its name.
    club = "A bombing at a club in a heavily Shiah neighbourhood of Kabul killed 20."
    assert texts(places(club, ACTORS, [])) == ["Kabul"]


def test_dates_days_and_relative_times() -> None:
    sentence = "The group said on Wednesday (Dec 26) that the attack last month began in 2017."
    assert texts(dates(sentence)) == ["on Wednesday (Dec 26)", "last month", "in 2017"]


def test_a_month_alone_is_a_date_after_a_word_placing_something_in_it() -> None:
    assert texts(dates("Rauf declared allegiance to Isis in January.")) == ["in January"]
    assert texts(dates("He was killed in a drone strike in November last year.")) == [
        "in November last year"
    ]
    assert texts(dates("In September, IS hit the oil company.")) == ["In September"]
    # A day or year beside the month still belongs to it; a bare month word is no date.
    assert texts(dates("In May 2014 they met on March 3.")) == ["May 2014", "on March 3"]
    assert texts(dates("The March of Return went on.")) == []
    assert ask("when did rauf declare for isis", "Rauf declared allegiance to Isis in"
               " January, and claimed to be recruiting.") == "in January"


def test_groups_off_the_watchlist_by_how_groups_name_themselves() -> None:
    sentence = (
        'A previously unknown group calling itself the Deccan Mujahideen, and JNIM, said'
        ' "Harkat ul Harb-e-Islam" and Islamic militants from Pakistan were not involved.'
    )
    assert texts(unlisted_groups(sentence, ACTORS, [], VOCABULARY)) == [
        "Deccan Mujahideen", "Harkat ul Harb-e-Islam"
    ]


def test_armed_men_named_by_a_stateless_people_are_a_group_not_by_a_country_or_faith() -> None:
    sentence = (
        "Kurdish militants killed ten guards, Baloch separatists blew up a pipeline, and"
        " Pakistani militants, Islamist fighters and two gunmen fled."
    )
    assert texts(unlisted_groups(sentence, ACTORS, [], VOCABULARY)) == [
        "Kurdish militants", "Baloch separatists"
    ]


def test_a_faction_is_named_by_the_words_before_faction_or_wing() -> None:
    sentence = (
        "The Yuldash faction of the movement stayed, while an official from the Nour el-Din"
        " al-Zinki insurgent faction spoke; the group's military wing was silent."
    )
    assert texts(unlisted_groups(sentence, ACTORS, [], VOCABULARY)) == [
        "Yuldash", "Nour el-Din al-Zinki"
    ]
    assert ask(
        "which faction of the movement stayed", "The Yuldash faction of the movement stayed."
    ) == "Yuldash"


def test_outlets_by_name_or_by_the_word_for_an_outlet_beside_them() -> None:
    sentence = (
        "IS claimed it via its Amaq propaganda agency, Al Shabaab on its Radio Andalus, JNIM"
        " on Mauritanian websites; state news agency SANA and Reuters reported it."
    )
    assert texts(outlets(sentence, ACTORS)) == [
        "Amaq", "Radio Andalus", "Mauritanian", "SANA", "Reuters"
    ]
    # Papers and channels known by name.
    assert texts(outlets(
        "Britain's Daily Telegraph said it, and the letter was obtained by Fox News.", ACTORS
    )) == ["Daily Telegraph", "Fox News"]
    assert texts(outlets(
        "Press Trust of India quoted the railway police chief, A.K. Sharma.", ACTORS
    )) == ["Press Trust of India"]


def test_a_source_question_is_answered_by_whoever_it_is_according_to() -> None:
    sentence = ("In 2017, insurgents tried three times to overrun the capital, according to"
                " the Afghanistan Analysts Network.")
    assert ask("according to who did the insurgents try 3 times to overrun the city",
               sentence) == "Afghanistan Analysts Network"
    # A known outlet comes first.
    assert ask("which outlet reported the raids", "The raids were reported by Reuters,"
               " according to the Afghanistan Analysts Network.") == "Reuters"


def test_names_with_accents_and_hyphens() -> None:
    sentence = "Jean-Marc Châtaigner, France’s ambassador, met Zaki-ur-Rehman Lakhvi."
    assert texts(people(sentence, ACTORS, [])) == ["Jean-Marc Châtaigner", "Zaki-ur-Rehman Lakhvi"]


def test_a_name_after_a_title_is_read_whole_without_the_title() -> None:
    sentence = (
        "Defence Minister Mullah Yaqub met Deputy Foreign Minister Sher Mohammad Abbas"
        " Stanikzai."
    )
    assert texts(people(sentence, ACTORS, [])) == [
        "Mullah Yaqub", "Sher Mohammad Abbas Stanikzai"
    ]
    assert ask("who is the defence minister", sentence) == "Mullah Yaqub"


def test_a_person_is_named_by_a_name_holding_no_word_for_a_body_or_group() -> None:
    assert names_a_person("army spokesman Texas Chukwu", ACTORS, VOCABULARY)
    assert not names_a_person(
        "Islamic State (IS)-affiliated Boko Haram extremists", ACTORS, VOCABULARY,
        ["Boko Haram"],
    )
    assert not names_a_person("University Hospitals Birmingham NHS Foundation Trust", ACTORS,
                              VOCABULARY)


def test_a_name_never_starts_with_a_preposition_or_month() -> None:
    sentence = "In October, Awtar Singh Khalsa met Ashraf Ghani in Kabul."
    assert texts(people(sentence, ACTORS, [])) == ["Awtar Singh Khalsa", "Ashraf Ghani"]


def ask(question: str, sentence: str, surnames: dict[str, str] | None = None) -> str | None:
    """The fact `sentence` gives for `question`, its words matched as evidence matches."""
    read = read_question(question, [], VOCABULARY)
    stems = {stem(word) for word in read.terms}
    sentence_stems = {stem(word.lower()) for word in sentence.replace(",", " ").split()}
    matched = tuple(
        word_stem for word_stem in stems
        if word_stem in sentence_stems or VOCABULARY.related(word_stem) & sentence_stems
    )
    return asked_fact(
        read, sentence, matched=matched, groups=(), group_spans=(), actors=ACTORS,
        vocabulary=VOCABULARY, surnames=surnames,
    )


def test_distances_ages_and_times_of_day() -> None:
    sentence = (
        "Mullah Abdul Rauf, 33, and a 23-year-old were killed some 400 metres from the"
        " base at 10:30 am, 30 km away, shortly after midnight."
    )
    assert texts(distances(sentence)) == ["some 400 metres", "30 km"]
    assert texts(ages(sentence)) == ["33", "23-year-old"]
    assert texts(times(sentence)) == ["10:30 am", "midnight"]
    assert texts(figures(sentence)) == []  # ages, distances and times count nothing


def test_how_far_how_old_and_what_time_are_answered() -> None:
    bomb = "The first car bomb exploded at a checkpoint some 400 metres from the residence."
    assert ask("how far from the residence did the car bomb explode", bomb) == "some 400 metres"
    rauf = "Mullah Abdul Rauf, 33, was killed by a drone strike in Helmand."
    assert ask("how old was mullah abdul rauf", rauf) == "33"
    # An age is the person's wherever the sentence writes it.
    paddock = (
        "It dubbed 64-year-old Stephen Paddock, who shot dead at least 58 people from a"
        " hotel window on the Las Vegas Strip, a soldier of the caliphate."
    )
    assert ask("how old was the las vegas shooter", paddock) == "64-year-old"
    assert ask("how many were killed with rauf", rauf) is None  # 33 is his age
    blast = "The blast hit the market on Friday at 8 pm, police said."
    assert ask("what time did the blast hit the market", blast) == "8 pm"


def test_a_place_word_may_stand_before_the_place_s_name() -> None:
    sentence = "Militants attacked the base in the town Bulamarer, 130 km from the capital."
    assert "the town Bulamarer" in texts(places(sentence, ACTORS, []))
    assert ask("where is the base the militants attacked", sentence) == "the town Bulamarer"


def ask_group(question: str, sentence: str, groups: dict[str, str]) -> str | None:
    """The group `sentence` gives for `question`, where `groups` maps each watchlist
    group's words in the sentence to its name."""
    read = read_question(question, [], VOCABULARY)
    spans = tuple((sentence.index(words), sentence.index(words) + len(words)) for words in groups)
    matched = tuple({stem(word) for word in read.terms} & {
        stem(word.lower()) for word in sentence.replace(",", " ").split()
    })
    return asked_fact(
        read, sentence, matched=matched, groups=tuple(sorted(set(groups.values()))),
        group_spans=spans, span_groups=tuple(groups.values()), actors=ACTORS,
        vocabulary=VOCABULARY,
    )


def test_a_group_named_as_another_s_ally_or_patron_did_not_do_it() -> None:
    mali = "A Malian group with links to al Qaeda claimed the attack that killed two soldiers."
    assert ask_group("who claimed the attack in mali", mali, {"al Qaeda": "al-Qaeda"}) is None
    # Asking who pledged allegiance asks for who pledged, not to whom.
    pledge = "A Pakistani group became the first to pledge allegiance to the Islamic State."
    assert ask_group("which group was first to pledge allegiance to IS", pledge,
                     {"Islamic State": "Islamic State"}) is None
    # ... unless the question asks about the link.
    assert ask_group(
        "which group are the mali attackers linked to", mali, {"al Qaeda": "al-Qaeda"}
    ) == "al-Qaeda"
    biff = (
        "The MILF condemned it, and military officials said they believed the Islamic"
        " State-linked Bangsamoro Islamic Freedom Fighters had a hand in the bombing."
    )
    mentions = {
        "MILF": "Moro Islamic Liberation Front",
        "Islamic State": "Islamic State",
        "Bangsamoro Islamic Freedom Fighters": "Bangsamoro Islamic Freedom Fighters",
    }
    # The group nearest the question's words, not the first by name, nor the patron.
    assert ask_group("which group do officials suspect had a hand in the bombing", biff,
                     mentions) == "Bangsamoro Islamic Freedom Fighters"


def test_a_group_named_as_what_someone_s_role_is_of_or_as_condemning_it_did_not_do_it(
) -> None:
    mall = ("Reports named Nur Misuari, founding chairman of the Moro National Liberation"
            " Front (MNLF), as the owner of the bombed mall.")
    mnlf = {"Moro National Liberation Front": "Moro National Liberation Front",
            "MNLF": "Moro National Liberation Front"}
    assert ask_group("which group bombed the mall", mall, mnlf) is None
    # ... unless the question asks about the role.
    assert ask_group("which group is nur misuari the founding chairman of", mall, mnlf) == (
        "Moro National Liberation Front"
    )
    jaafar = "The commission under MILF first vice chairman Ghazzali Jaafar urged a probe."
    milf = {"MILF": "Moro Islamic Liberation Front"}
    assert ask_group("which group is behind the bombing probe", jaafar, milf) is None
    condemning = "The MILF has added its voice to those condemning the bomb attack."
    assert ask_group("which group was behind the bomb attack", condemning, milf) is None
    assert ask_group("which group condemned the bomb attack", condemning, milf) == (
        "Moro Islamic Liberation Front"
    )
    # The head of a group claiming it, named by no name, speaks for the group.
    claim = ("On May 3, the Indian-born head of al-Qaeda in the Indian Subcontinent claimed"
             " the attacks.")
    assert ask_group("who claimed the attacks", claim, {
        "al-Qaeda in the Indian Subcontinent": "al-Qaeda in the Indian Subcontinent"
    }) == "al-Qaeda in the Indian Subcontinent"


def test_names_given_are_quoted_or_follow_a_word_for_naming() -> None:
    sentence = (
        'The offensive, codenamed "Al-Faisal", began as Operation Al Khandaq ended; Godane,'
        " also known as Mukhtar Abu Zubeyr, was Born Ahmed Godane; UNICEF branded it"
        " \u201cdeplorable\u201d in a book titled \u201cThe Virus of Faith.\u201d"
    )
    assert texts(names_given(sentence)) == [
        "Al-Faisal", "Al Khandaq", "Mukhtar Abu Zubeyr", "Ahmed Godane", "deplorable",
        "The Virus of Faith",
    ]
    # Beside a name given, other quoted words are what someone said, not a name.
    khandaq = 'Their Operation Al Khandaq will target US forces and "their agents".'
    assert texts(names_given(khandaq)) == ["Al Khandaq"]
    assert texts(names_given('He said "we will win" and left.')) == ["we will win"]


def test_a_what_question_asking_for_a_name_or_word_is_answered_by_it() -> None:
    khandaq = 'The Taliban offensive, Operation Al Khandaq, will target "their agents".'
    assert ask("what name did the taliban give their offensive", khandaq) == "Al Khandaq"
    # A name mostly made of the question's words repeats it.
    missile = 'The Houthis said they used a "new hypersonic ballistic missile" on Israel.'
    assert ask("what's the houthis' new hypersonic missile called", missile) is None
    titled = 'The book he was promoting is titled "The Virus of Faith."'
    assert ask("whats the title of the book he was promoting", titled) == "The Virus of Faith"
    godane = "Godane, also known as Mukhtar Abu Zubeyr, is al-Shabab's spiritual leader."
    assert ask("whats godane's alias", godane) == "Mukhtar Abu Zubeyr"
    unicef = "UNICEF, meanwhile, branded the attack \u201cdeplorable\u201d and called for calm."
    assert ask("what word did unicef use for the bombing", unicef) == "deplorable"
    azb = "These were followed by Operation Zarb-e-Azb, which has since killed 1,600 militants."
    assert ask("what was the name of the army op that killed 1,600 militants", azb) == (
        "Zarb-e-Azb"
    )
    roy = 'The book he was promoting when he was killed is titled "The Virus of Faith."'
    assert ask("what was the book roy was promoting", roy) == "The Virus of Faith"
    # A "what" question asking for no name has no fact to give.
    assert ask("what did unicef say about the bombing", unicef) is None


def test_a_group_s_strength_is_no_count_of_its_dead_or_captured() -> None:
    dead = "A spokesman said 14 of the group's fighters and 59 troops were killed in the raid."
    assert ask("how many fighters does al shabaab have", dead) is None
    assert ask("how many fighters died in the raid", dead) == "14"
    strength = "The UN says the TTP has around 6,000 fighters in Afghanistan."
    assert ask("how many fighters does the TTP have", strength) == "around 6,000"
    # Troops deployed somewhere are a strength too, not the dead among them.
    deployed = "France has 4,500 troops across the Sahel, most of them in Mali."
    assert ask("how many french troops are deployed in mali", deployed) == "4,500"
    assert ask("how many french troops are stationed in mali",
               "An attack in Mali killed two French soldiers.") is None


def test_a_name_holding_a_synonym_of_the_question_s_word_is_no_answer() -> None:
    ship = "When its forces seized the cargo ship Galaxy Leader and its crew."
    # Read as the sentence next to the one holding the question's words, whose first
    # person would answer.
    assert asked_fact(
        read_question("who leads the houthis", [], VOCABULARY), ship, matched=(), groups=(),
        group_spans=(), actors=ACTORS, vocabulary=VOCABULARY, anchored=False,
    ) is None
    assert ask("who leads the houthis", "The Houthis are led by Abdul Malik al-Houthi.") == (
        "Abdul Malik al-Houthi"
    )


def test_a_place_may_be_named_by_the_place_word_after_it_or_described_as_one() -> None:
    assert texts(places(
        "They met in the Mesini Valley, in Sitio Bacahan, Barangay Mahatalang, and on the"
        " northern island of Manda.", ACTORS, [],
    )) == ["Mesini Valley", "Sitio Bacahan", "Barangay Mahatalang", "island of Manda"]
    hreik = "Haret Hreik, the area of Dahiyeh hit by the air strike, is densely populated."
    assert ask("what part of dahiyeh did the air strike hit", hreik) == "Haret Hreik"
    chakama = "Men seized the woman from a guesthouse in Chakama, a small town near the coast."
    assert texts(places(chakama, ACTORS, []))[0] == "Chakama"


def test_a_place_the_question_names_is_no_answer_with_a_place_word_added() -> None:
    # "Kandahar province" is where the question already says; the town in it answers.
    aslam = (
        "Aslam was killed along with his commanders in a suicide attack in Aino Maina in"
        " Kandahar province."
    )
    assert ask("where was aslam killed? some place in kandahar", aslam) == "Aino Maina"
    assert ask("where was aslam killed", aslam) == "Aino Maina"


def test_a_place_in_a_clause_describing_someone_by_the_way_is_not_where_it_happened() -> None:
    bla = (
        "The Baloch Liberation Army, which opposes projects in resource-rich Baluchistan,"
        " said Aslam was killed."
    )
    assert ask("where was aslam killed", bla) is None
    # Unless the clause holds what is asked.
    based = "The Baloch Liberation Army, which is based in Baluchistan, said Aslam was killed."
    assert ask("where is the baloch liberation army based", based) == "Baluchistan"


def test_a_place_is_where_something_is_not_a_people_nor_who_said_it() -> None:
    # "Iranian" is no place; "the US" is who supported it, not where; Washington is
    # where it was said.
    assert ask("where was haniyeh killed",
               "Haniyeh was killed in the Iranian capital Tehran.") == "Tehran"
    assert ask("where was haniyeh killed",
               "Israel killed Haniyeh and was supported by the US.") is None
    assert ask("where was mehsud captured",
               "Mehsud was captured by US forces, Marie Harf said in Washington.") is None
    assert ask("where was the embassy attacked",
               "A French official in Paris said the embassy was attacked.") is None


def test_a_person_the_question_names_is_not_the_answer_unless_a_relative_is_asked_for() -> None:
    sentence = "Their leader Haibatullah Akhunzada rejected President Ashraf Ghani's offer."
    assert ask("which taliban leader turned down ghani's offer", sentence) == (
        "Haibatullah Akhunzada"
    )
    sentence = "Al-Qaeda is grooming Hamza bin Laden as a new leader."
    assert ask("which bin laden son is al qaeda grooming", sentence) == "Hamza bin Laden"
    # Past his title, the father's name is all the question's: he is no son of his own.
    sentence = "A strike killed a son of Mullah Fazlullah, the Pakistani Taliban leader."
    assert ask("whats the name of fazlullah's son", sentence) is None
    # "Election Commission" names a body, not a person.
    sentence = "The Election Commission considers whether his group can field candidates."
    assert ask("who considers the candidates", sentence) is None


def test_someone_named_by_surname_is_given_by_the_full_name_the_story_gave_first() -> None:
    story = (
        "Abdullahi Bego, spokesman for Yobe state governor Ibrahim Gaidam, said the girls"
        " had been rescued. But on a visit to Dapchi, Gaidam appeared to question whether"
        " there had been any abduction. The Baloch Liberation Army's Jiand Baloch spoke."
        " Osama bin Laden and Hamza bin Laden were named. The Taliban’s Emirate said no."
    )
    surnames = people_by_surname(story, ACTORS)
    assert surnames["Gaidam"] == "Ibrahim Gaidam" and surnames["Bego"] == "Abdullahi Bego"
    assert "Laden" not in surnames  # two people share it
    assert "Emirate" not in surnames  # "the Taliban's Emirate" is no one
    sentence = "On a visit to Dapchi, Gaidam appeared to question whether there was any abduction."
    assert ask("which official questioned the abduction", sentence, surnames) == "Ibrahim Gaidam"
    assert ask("which official questioned the abduction", sentence) is None
    # A group's or place's word is no surname, whoever bears it.
    assert surnames["Baloch"] == "Jiand Baloch"
    assert ask("who attacked the consulate", "The Baloch Liberation Army attacked the consulate.",
               surnames) is None


def test_a_date_the_question_names_is_no_answer_and_what_day_wants_a_day() -> None:
    assert ask("when did the ceasefire end in 2022",
               "The ceasefire ended in 2022 and talks resumed.") is None
    assert ask("what day did gunmen hit the consulate",
               "Gunmen hit the consulate last month, on Friday (Nov 23).") == (
        "on Friday (Nov 23)"
    )


def test_where_to_and_where_from_ask_for_the_place_gone_to_or_come_from() -> None:
    moved = ("Malala was taken from the hospital in Peshawar to the Armed Forces Institute of"
             " Cardiology in Rawalpindi.")
    assert ask("where was malala moved to", moved) == "Rawalpindi"
    assert ask("where was malala taken from", moved) == "Peshawar"
    assert ask("where was malala treated", moved) == "Peshawar"  # asking no direction
    assert ask("where did they move malala to for her safety", moved) == "Rawalpindi"


def test_the_way_a_where_question_asks_and_the_way_a_place_stands() -> None:
    def asked(question: str) -> str | None:
        return asked_direction(read_question(question, [], VOCABULARY))

    assert asked("where were godane's vehicles heading when the strike hit") == "to"
    assert asked("where is the bomber from") == "from"
    assert asked("where did the attack take place") is None
    assert asked("when was she moved") is None  # not a where question
    moved = "She was taken from the hospital in Peshawar to the institute in Rawalpindi."
    assert direction_at(moved, moved.index("Peshawar")) == "from"
    assert direction_at(moved, moved.index("Rawalpindi")) == "to"
    headed = "The strike hit a market in Nairobi, then the vehicles headed toward Barawe."
    assert direction_at(headed, headed.index("Nairobi")) is None
    assert direction_at(headed, headed.index("Barawe")) == "to"


def test_a_day_named_from_when_the_story_was_written_comes_with_its_dateline() -> None:
    story = "DUBAI, Sept 22 — Gunmen fired on a military parade in Iran today."
    assert with_dateline("today", story) == "today (the story is datelined Sept 22)"
    assert with_dateline("on Sunday night", "MOGADISHU, April 1 — Insurgents ...") == (
        "on Sunday night (the story is datelined April 1)"
    )
    # A day that stands by itself, or a story without a dated dateline, stays as written.
    assert with_dateline("on Friday (Nov 23)", story) == "on Friday (Nov 23)"
    assert with_dateline("in January", story) == "in January"
    assert with_dateline("today", "QUETTA, PAKISTAN (REUTERS) - One of ...") == "today"
    assert with_dateline("today", "Gunmen fired on a parade, Sept 22 reports said.") == "today"


def test_a_denial_of_the_word_asked_about_disputes_it() -> None:
    sentence = "Israeli officials said it was not a hypersonic missile."
    assert ask("was the houthi missile really hypersonic", sentence) == "not a hypersonic"


def test_how_many_counts_the_words_after_it_not_a_later_place() -> None:
    sentence = "In Tripoli 12 guards stood watch; 21 people were wounded."
    assert ask("how many were wounded in the tripoli attack", sentence) == "21"


def test_how_many_died_is_no_count_of_the_wounded_nor_of_the_rescued() -> None:
    sentence = "At least 31 people were killed and 50 wounded; 25 crew were rescued."
    assert ask("how many were hurt in the blast", sentence) == "50"
    assert ask("how many ppl died in the blast", sentence) == "At least 31"
    assert ask("how many crew got rescued", sentence) == "25"
    sunk = "They have sunk two ships and killed at least two crew members."
    assert ask("how many crew got rescued off the tanker", sunk) is None
    # A figure of the injured before one of which nothing is said.
    aleppo = "On Sunday 107 people were injured, including children, after gunmen hit three towns."
    assert ask("what injury count did sana give for the aleppo attack", aleppo) == "107"
    # Only the words after "how many" say what befell those counted.
    assert ask(
        "bus hostage story: how many prisoners would the taliban let go",
        "The Taliban would release at least 500 prisoners.",
    ) == "at least 500"
    assert ask("how many ppl did police arrest", "Ten police officers were killed.") is None
    # A figure nothing befell is still a count: "the ship had 25 crew".
    assert ask("how many crew got rescued", "The ship had 25 crew aboard.") == "25"


def test_how_many_of_a_noun_is_no_figure_of_another_plural_thing() -> None:
    sentence = "At least six civilians were killed when militants stormed the building."
    assert ask("how many militants stormed the building", sentence) is None
    # ... but a count of people, members or a named side's things still counts.
    assert ask("how many were killed when militants stormed it", sentence) == "At least six"
    assert ask(
        "how many guards died in the parade attack",
        "Gunmen fired on the parade, killing 12 members of the Revolutionary Guards.",
    ) == "12"
    assert ask(
        "how many hamas targets did the jets hit",
        "Jets struck nine Hamas targets in northern Gaza.",
    ) == "nine"
    # A group's fighters are not the troops it killed.
    troops = "Militants killed four US troops just over the border."
    assert ask("how many fighters does the group have", troops) is None
    # "How many people" counts people: not attacks, but civilians or troops.
    attacks = "In 2025 the TTP carried out 600 attacks in Pakistan, killing civilians."
    assert ask("how many ppl did TTP attacks kill in pakistan in 2025", attacks) is None
    assert ask(
        "how many people did the ttp kill in pakistan",
        "The TTP killed 41 civilians in Pakistan.",
    ) == "41"


def test_whose_relative_someone_is_is_not_the_relative_asked_for() -> None:
    sentence = "Hamza is the son of the late Osama bin Laden, the group said."
    assert ask("which bin laden son is al qaeda pushing", sentence) is None
    assert ask("which bin laden son is al qaeda pushing",
               "The group is pushing Hamza bin Laden, son of Osama.") == "Hamza bin Laden"
    # Asking no relative, whose son he is may answer.
    assert ask("who founded al qaeda", "Hamza is the son of Osama bin Laden, who founded"
               " al Qaeda.") == "Osama bin Laden"


def test_a_rate_counts_what_its_sentence_named_before_it() -> None:
    sentence = ("In Kirkuk the number of attacks attributed to IS doubled last year, with an"
                " average of 75 a month.")
    assert ask("how many IS attacks a month in kirkuk", sentence) == "75"
    # Not a figure standing by itself that far from what is counted.
    assert ask("how many IS attacks in kirkuk", "In Kirkuk the attacks attributed to IS"
               " doubled last year, when the group had 75 in the province.") is None


def test_how_many_of_those_counted_were_something_counts_that_something() -> None:
    sentence = "Officials said 31 people had been killed, including 22 Shi'ite Muslims."
    assert ask("how many of the dead were shia", sentence) == "22"
    assert ask("how many of the dead were kids", sentence) is None
    assert ask("how many were killed", sentence) == "31"
    # The part asked about is what the figure counts, not a word said of them after it.
    mostly = "At least 12 people were killed, mostly children, when a rocket hit a pitch."
    assert ask("how many of the rocket victims were kids", mostly) is None


def test_words_qualifying_the_noun_counted_do_not_replace_it() -> None:
    sentence = "Six other militants were also killed as the two vehicles headed to Barawe."
    assert ask("how many other shabaab militants died along with him", sentence) == "Six"
    assert ask("how many other civilians died with him", sentence) is None  # not militants


def test_what_a_how_many_did_question_names_after_did_may_be_what_did_it() -> None:
    westgate = ("The Westgate Mall attack in Nairobi in September 2013 killed at least 39"
                " people.")
    assert ask("how many ppl did the westgate mall attack kill?", westgate) == "at least 39"
    # The figure must still be of what befell those the question asks about.
    assert ask("how many did the westgate mall attack wound?", westgate) is None
    convoy = "A bomber blew himself up near a convoy in Kabul, killing at least seven."
    assert ask("how many ppl did police arrest during the death anniversary convoys",
               convoy) is None


def test_a_building_asked_for_by_kind_is_named_by_a_building_of_that_kind() -> None:
    station = ("Blood smeared the floor of the Chhatrapati Shivaji rail station, where"
               " attackers sprayed bullets in Mumbai.")
    assert ask("which train station did the gunmen shoot up", station) == (
        "Chhatrapati Shivaji rail station"
    )
    terminal = "The terrorists attacked the Terminal One of the old airport in Karachi."
    assert ask("karachi airport raid - which terminal did they storm", terminal) == (
        "Terminal One"
    )
    # The town a building stands in is no building; a building of another kind neither.
    assert ask("which hotel did they storm", terminal) is None
    assert ask("which train station did they hit", "Gunmen hit a station in Mumbai.") is None


def test_which_country_is_answered_by_a_country_and_which_town_by_no_wider_place() -> None:
    sentence = "The troops stationed in Mogadishu came from Burundi, officials said."
    assert ask("the troops there are from which country", sentence) == "Burundi"
    assert ask("which city were the troops stationed in", sentence) == "Mogadishu"
    wider = "Two soldiers were killed in the West African country near the Sahel region."
    assert ask("which town were the soldiers killed near", wider) is None


def test_a_name_may_hold_a_middle_initial_or_a_capital_inside_a_part() -> None:
    sentence = "Deputy chief Rosemary A. DiCarlo said it, and Patrick McDonald agreed."
    assert texts(people(sentence, ACTORS, [])) == ["Rosemary A. DiCarlo", "Patrick McDonald"]


def test_a_name_after_a_place_standing_first_is_a_person() -> None:
    sentence = "Nine died, including AFP's chief photographer in Kabul Shah Marai."
    assert texts(people(sentence, ACTORS, [])) == ["Shah Marai"]
    assert texts(people("They met in Kabul Tuesday.", ACTORS, [])) == []


def test_a_place_after_from_both_is_where_from() -> None:
    sentence = "The delegation receives instructions from both Kandahar and Kabul."
    assert ask("the delegation gets its instructions from where?", sentence) == "Kandahar"


def test_a_military_rank_is_a_role_asked_for() -> None:
    question = read_question(
        "name of the somali army major who described the fighters", [], VOCABULARY
    )
    assert stem("major") in asked_roles(question, ACTORS, VOCABULARY)


def test_the_words_narrowing_a_role_asked_for() -> None:
    def narrowing(question: str) -> frozenset[str]:
        return role_qualifiers(read_question(question, [], VOCABULARY), ACTORS, VOCABULARY)

    assert stem("police") in narrowing("who was the karachi police chief quoted")
    # A people or a place says where the army is, not which role.
    assert stem("pakistani") not in narrowing("who is the pakistani army chief")
    assert stem("army") in narrowing("who is the pakistani army chief")
    # How high a role is does not narrow it; nor does a question asking no "who".
    assert narrowing("which senior commander died") == frozenset()
    assert narrowing("when did the police chief speak") == frozenset()


def test_support_is_how_close_the_question_s_heavy_words_stand_to_the_fact() -> None:
    sentence = "The group, based in Baluchistan, said he was killed in Aino Maina."
    shares = [(stem("killed"), 0.6), (stem("group"), 0.1)]
    assert support(sentence, "Aino Maina", shares, VOCABULARY) > support(
        sentence, "Baluchistan", shares, VOCABULARY
    )
    # A synonym counts: "dead" stands for "killed".
    assert support("He was found dead in Kabul.", "Kabul", shares, VOCABULARY) > 0.3


def test_another_name_of_the_person_asked_about_is_no_answer() -> None:
    sentence = "Godane, also known as Mukhtar Abu Zubeyr, was succeeded by Ahmad Umar."
    assert ask("who took over after godane", sentence) == "Ahmad Umar"
    assert ask("who replaced godane", "Godane, 37, alias Mukhtar Abu Zubeyr, died.") is None
    # ... but a name someone else goes by may be the answer.
    deputy = "Baghdadi's deputy, also known as Abu Ali Anbari, was killed in March."
    assert ask("which deputy was killed in march", deputy) == "Abu Ali Anbari"


def test_the_one_saying_it_answers_only_a_question_about_speaking_or_a_role() -> None:
    sentence = "Godane has no obvious successor, said Matt Bryden, head of Sahan Research."
    assert ask("who took over after godane", sentence) is None
    assert ask("who said godane has no obvious successor", sentence) == "Matt Bryden"
    assert ask("who is the head of sahan research", sentence) == "Matt Bryden"
    quoted = "Gareth Price said Afghanistan and Pakistan have a common enemy."
    assert ask("who's the analyst quoted on afghanistan and pakistan", quoted) == "Gareth Price"
    # A role asked for is one the speaker must be given: "who runs it?" asks for a head.
    runs = "We treated them, Zaher Batal, the head of the Doctors Syndicate, said."
    assert ask("who runs the doctors syndicate", runs) == "Zaher Batal"
    witness = "A man asked which girl was Malala, Rasool Shah, Mingora police chief said."
    assert ask("what's the name of the gunman who asked for malala", witness) is None
    # A journalist who says it is no journalist who died, though the text calls him one.
    mourning = ('"May Allah rest their souls," journalist Abdiasis Ibrahim who works for'
                " Universal TV, told Reuters.")
    assert ask("which universal tv journalist died in the blast", mourning) is None
    assert ask("which universal tv journalist told reuters", mourning) == "Abdiasis Ibrahim"
    # A death that is only the topic befell no speaker.
    briefing = "Godane's death is a major loss, said Pentagon press secretary John Kirby."
    assert ask("who was the pentagon press secretary on godane's death", briefing) == (
        "John Kirby"
    )
    # One named after "Officials said" is what they said of, not who said it.
    reported = "Officials said Awtar Singh Khalsa died in the blast in Jalalabad."
    assert ask("which sikh politician died in the jalalabad blast", reported) == (
        "Awtar Singh Khalsa"
    )
    quoted_after = '"It is a massacre," said Dejan Panic of the blast in Kabul.'
    assert ask("who died in the kabul blast", quoted_after) is None


def test_the_rest_of_a_body_s_name_is_no_person() -> None:
    observatory = "The shells spread a stench, the Syrian Observatory for Human Rights said."
    assert texts(people(observatory, ACTORS, [])) == []
    study = "A study by the Center for Strategic and International Studies found it."
    assert texts(people(study, ACTORS, [])) == []
    assert texts(people("Secretary of State Mike Pompeo said so.", ACTORS, [])) == [
        "Mike Pompeo"
    ]


def test_a_military_unit_is_no_person() -> None:
    assert names_a_person("Cirilito Sobejana", ACTORS, VOCABULARY)
    assert not names_a_person("the Army's 6th Infantry Division", ACTORS, VOCABULARY)


def test_a_listed_city_is_no_person() -> None:
    sentence = "Tel Aviv and Beirut CNN — The leader of Hezbollah, Hassan Nasrallah, was killed."
    assert texts(people(sentence, ACTORS, [])) == ["Hassan Nasrallah"]
    # Nor a region, nor a people's adjective with a name.
    region = "The strike sent a signal across the Middle East, said Naim Qassem."
    assert texts(people(region, ACTORS, [])) == ["Naim Qassem"]
    assert not names_a_person("the Shiite Amal party", ACTORS, VOCABULARY)


def test_roles_and_specific_facts() -> None:
    sentence = "Shahidullah Shahid, Pakistani Taliban spokesperson, said on Monday."
    wanted = frozenset({stem("spokesman"), *VOCABULARY.related(stem("spokesman"))})
    assert described_as(sentence, "Shahidullah Shahid", wanted)
    assert not described_as("Nawaz Sharif came to power in 2013.", "Nawaz Sharif", wanted)
    # A role shared by "and": "TTP leader and Afghan Taliban ally Noor Wali Mehsud".
    leader = frozenset({stem("leader"), *VOCABULARY.related(stem("leader"))})
    targeted = "Airstrikes targeted TTP leader and Afghan Taliban ally Noor Wali Mehsud."
    assert described_as(targeted, "Noor Wali Mehsud", leader)
    assert is_specific("where", "Idlib", ACTORS) and not is_specific("where", "Syria", ACTORS)
    assert is_specific("when", "July 25", ACTORS)
    assert not is_specific("when", "next month", ACTORS)
    assert is_specific("how_many", "at least 31", ACTORS)
    assert is_specific("how_many", "Twenty-one", ACTORS)
    assert not is_specific("how_many", "dozens", ACTORS)
    assert not is_specific("how_many", "hundreds", ACTORS)


def test_when_in_a_year_the_question_names_wants_no_other_year() -> None:
    sentence = "The truce with the army ended in 2023, after raids in 2022."
    assert ask("when did the truce with the army end in 2022?", sentence) is None
    assert ask("when did the truce with the army end?", sentence) == "in 2023"
