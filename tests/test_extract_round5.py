"""Fifth round of real-news mechanisms, on sentences of our own: a named organisation beats its
possessor, counted lists of peoples, peoples the tagger takes for first names, the office a text
gives a listed person, the head of a two-word title, unnamed victims of a state at home."""

from __future__ import annotations

import pytest

from edges import facts


@pytest.fixture(scope="module")
def run(extract_text):
    return lambda text: extract_text(text, date="2023-05-02")


@pytest.fixture(scope="module")
def release(extractor):
    """Extract a State Department release or transcript (the issuer's metadata decides "we")."""
    from graphbuild.ingest import RawArticle
    return lambda text, date="2022-05-12": extractor.extract(
        RawArticle(id="t", text=text, date=date, source="us-state-department-press-release"))


def test_a_named_organisation_beats_its_possessor(run):
    recs = run("Hassan Nasrallah's Hezbollah terror network threatened Israel.")
    src = [r["source"] for r in recs if r["relation"] == "THREATENED"]
    assert src and all("Hezbollah" in s["name"] and s["kind"] != "PERSON" for s in src), src
    # a country's thing stays the country's: support for its EU accession is support for it
    got = facts(run("The Secretary of State reiterated U.S. support for Serbia's EU accession."))
    assert any(r == "SUPPORTED" and t[0] == "SRB" for s, r, t in got), got
    # a country's possession is still the country's ("Iran's Revolutionary Guards")
    got = facts(run("Iran's Revolutionary Guards commander threatened Israel."))
    assert any(s[0] == "IRN" and r == "THREATENED" and t[0] == "ISR" for s, r, t in got), got


def test_a_counted_list_of_peoples_gives_each_party(run):
    got = facts(run("Police in Kenya beat dozens of Somali and Ethiopian migrants."))
    assert {t[0] for s, r, t in got if s == ("KEN", "COP") and r == "ATTACKED"} >= {"SOM", "ETH"}, got
    got = facts(run("Border guards in Greece detained hundreds of Syrian and Afghan refugees."))
    assert {t[0] for s, r, t in got if s[0] == "GRC" and r == "COERCED"} >= {"SYR", "AFG"}, got


def test_a_people_taken_for_a_first_name_is_still_a_people(run):
    # the tagger reads "Karen" as a person; as a modifier of fighters it names an ethnic group
    got = facts(run("Myanmar soldiers raided a Karen insurgent camp near Myawaddy."))
    assert (("MMR", "MIL"), "ATTACKED", ("MMR", "REB")) in got, got


def test_the_office_the_text_gives_beats_the_listed_one(run):
    recs = run("Israeli Foreign Minister Yair Lapid met Emirati officials in Abu Dhabi.")
    lapid = [r["source"] for r in recs if r["source"]["name"] == "Yair Lapid"]
    assert lapid and all(a["role"] == "GOV" for a in lapid), lapid
    # no title in the text: the listed office; a former office changes nothing
    for text in ("Yair Lapid criticized Prime Minister Benjamin Netanyahu.",
                 "Former Prime Minister Yair Lapid criticized Benjamin Netanyahu."):
        lapid = [r["source"] for r in run(text) if r["source"]["name"] == "Yair Lapid"]
        assert lapid and all(a["role"] == "OPP" for a in lapid), (text, lapid)


def test_the_head_of_a_title_gives_the_role(run):
    recs = run("Deputy Secretary Jane Holloway spoke with Kenyan President William Ruto.")
    src = [r["source"] for r in recs if r["relation"] == "CONSULTED"]
    assert src and src[0]["role"] == "GOV", src  # a deputy secretary is a secretary, not a deputy (LEG)
    recs = run("Russian deputy Ivan Petrov criticized Ukraine.")
    assert any(r["source"]["role"] == "LEG" for r in recs if r["relation"] == "CRITICIZED"), recs


def test_unnamed_victims_of_a_state_at_home_are_its_civilians(run):
    got = facts(run("Ethiopian troops killed five farmers in a raid in western Ethiopia."))
    assert (("ETH", "MIL"), "ATTACKED", ("ETH", "CVL")) in got, got
    got = facts(run("Croatian soldiers shot two ethnic Serbs in an ambush in eastern Croatia."))
    assert (("HRV", "MIL"), "ATTACKED", ("HRV", "CVL")) in got, got
    # ethnic kin are no state: with no place named, no country at all
    got = facts(run("Croatian soldiers shot two ethnic Serbs."))
    assert not any(t[0] == "SRB" for _, _, t in got), got
    # and a state's own country with no victim named is still no target
    got = facts(run("Indian soldiers remained on alert in Kashmir's Ladakh region."))
    assert not any(t[0] == "IND" for _, _, t in got), got


TRANSCRIPT = """Antony J. Blinken, Secretary of State

Marcelo Ebrard, Mexican Foreign Secretary

SECRETARY BLINKEN: Good morning. It is a pleasure to welcome the Foreign Secretary of Mexico. It is important to \
sanction Russia.

FOREIGN SECRETARY EBRARD: Thank you. It is a great honor to be here to have this meeting with you. And it is good \
for Mexico to host talks between Colombia and the ELN.
"""


def test_a_speakers_pleasure_is_the_speakers_act(release):
    recs = release(TRANSCRIPT)
    got = facts(recs)
    assert (("USA", "GOV"), "SUPPORTED", ("MEX", "GOV")) in got, got  # Blinken welcomes the Mexican minister
    assert (("MEX", "GOV"), "CONSULTED", ("USA", "GOV")) in got, got  # Ebrard: "to have this meeting with you"
    # an extraposed duty is no act of the speaker's; a for-phrase names who does it
    assert not any(r == "SANCTIONED" for _, r, _ in got), got
    hosts = [r["source"]["text"] for r in recs if "host" in r["trigger"]]
    assert hosts and set(hosts) == {"Mexico"}, hosts


def test_a_phrase_hung_on_an_operations_name_belongs_to_the_operation(run):
    # the parser attaches "against ..." to the appositive name, not to "offensive"
    got = facts(run("Turkey launched a new offensive, Operation Claw Lock, against Kurdish militants in Iraq."))
    assert any(s[0] == "TUR" and r == "ATTACKED" for s, r, t in got), got


def test_a_second_name_the_parser_coordinates_with_the_trigger_is_a_target(run):
    # "sanctions on A (A) and | B": the parser makes B a conjunct of "sanctions"
    got = facts(run("The Security Council imposed sanctions on the Republic of South Sudan (RSS) and the "
                    "Democratic Republic of the Congo (DRC) over the fighting."))
    assert {t[0] for s, r, t in got if r == "SANCTIONED"} >= {"SSD", "COD"}, got


def test_acronyms_written_as_words_name_their_organisation(run):
    # BBC/Guardian house style: "Nato", "Isis"
    recs = run("Nato warplanes struck Isis fighters near Raqqa.")
    assert any(r["source"]["role"] == "IGO" and "Atlantic" in r["source"]["name"] and "Islamic State" in r["target"]["name"]
               for r in recs), recs
    # a word an acronym would spell is still a word ("PACE" -> "Pace")
    from graphbuild.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    assert gaz.lookup("Nato") is not None and gaz.lookup("Pace") is None


def test_a_patrons_name_is_not_the_backed_forces_country(run):
    recs = run("Iranian-backed militias fired rockets at American troops in Syria.")
    assert not any(r["source"]["country"] == "IRN" and r["relation"] == "ATTACKED" for r in recs), recs
    # a leader's name still is: "the Saudi-led coalition" is Saudi Arabia's
    got = facts(run("The Saudi-led coalition bombed Houthi positions near Hodeidah."))
    assert any(s[0] == "SAU" and r == "ATTACKED" for s, r, t in got), got


def test_an_opponent_or_critic_criticises(run):
    got = facts(run("Macron has long been a staunch critic of the Russian invasion."))
    assert any(s[0] == "FRA" and r == "CRITICIZED" and t[0] == "RUS" for s, r, t in got), got
    got = facts(run("Lula, an outspoken opponent of the Bolsonaro government, spoke in Sao Paulo."))
    assert any(r == "CRITICIZED" and t == ("BRA", "GOV") for s, r, t in got), got
    # critics as a subject name nobody
    got = facts(run("Critics of the Iranian government said the vote was rigged."))
    assert not any(r == "CRITICIZED" for s, r, t in got), got


def test_a_capitalised_word_at_the_start_is_no_people(run):
    recs = run("Several Iran-backed militia groups use these facilities near Basra.")
    assert not any(r["target"]["country"] == "IRN" and r["target"]["role"] == "REB" for r in recs), recs


def test_a_helpers_goal_is_no_threat_by_the_helped(run):
    recs = run("Russia has offered its troops to Syrian President Bashar al-Assad to help him oust Turkish "
               "forces from Idlib.")
    by_assad = [r for r in recs if r["source"]["country"] == "SYR" and r["target"]["country"] == "TUR"]
    assert by_assad and all(r["modality"] == "hypothetical" and r["relation"] != "THREATENED"
                            for r in by_assad), by_assad
    # one's own announced attack still is a threat
    got = facts(run("Israel said it will strike Iran's nuclear sites."))
    assert (("ISR", None), "THREATENED", ("IRN", None)) in got, got


def test_union_officials_are_no_government(run):
    got = facts(run("Kenya Teachers Union officials demanded higher pay from the Kenyan government."))
    assert (("KEN", "CVL"), "DEMANDED", ("KEN", "GOV")) in got, got


def test_calling_for_sanctions_against_a_country_rallies_opposition(run):
    # CAMEO 113: the call is addressed to others; the country is the one opposed
    got = facts(run("The archbishop of Cape Town called for sanctions against Zimbabwe."))
    assert any(r == "CRITICIZED" and t[0] == "ZWE" for s, r, t in got), got
    assert not any(r == "DEMANDED" and t[0] == "ZWE" for s, r, t in got), got
    # a call for someone to act is still a demand on them
    got = facts(run("Poland called for Russia to end its blockade of Ukrainian ports."))
    assert any(r == "DEMANDED" and t[0] == "RUS" for s, r, t in got), got


def test_an_attack_being_prepared_is_a_force_posture(run):
    # CAMEO 150: "prepared to resume shelling" shows force; "plans to attack" announces it (13)
    got = facts(run("Russian troops are preparing to storm the city of Mariupol in Ukraine."))
    assert (("RUS", "MIL"), "MOBILIZED", ("UKR", None)) in got, got
    got = facts(run("Russia plans to attack Ukraine."))
    assert (("RUS", None), "THREATENED", ("UKR", None)) in got, got


def test_what_someone_is_persuaded_to_do_is_not_done(run):
    recs = run("Iran hopes Japan will persuade President Biden to lift the sanctions on Tehran.")
    assert all(r["modality"] == "hypothetical" for r in recs if r["source"]["country"] == "USA"), recs


def test_the_largest_donor_provides_aid(run):
    got = facts(run("Japan remains the largest single donor of reconstruction aid in Afghanistan."))
    assert (("JPN", None), "PROVIDED_AID", ("AFG", None)) in got, got
    got = facts(run("Norway is the second-largest donor to the Palestinians."))
    assert any(s[0] == "NOR" and r == "PROVIDED_AID" and t[0] == "PSE" for s, r, t in got), got


def test_people_held_as_human_shields_are_attacked(run):
    got = facts(run("Al-Shabaab militants are holding hundreds of Somali villagers as human shields near Kismayo."))
    assert any(r == "ATTACKED" and t == ("SOM", "CVL") for s, r, t in got), got


def test_declining_to_act_for_someone_rejects_them(run):
    got = facts(run("Kenya declined to extradite the businessman to Uganda."))
    assert (("KEN", None), "REJECTED", ("UGA", None)) in got, got
    assert not facts(run("Oil exports to China declined sharply in May."))


def test_opening_relations_recognizes(run):
    got = facts(run("Bahrain and Israel opened diplomatic relations in 2020."))
    assert {(("BHR", None), "RECOGNIZED", ("ISR", None)), (("ISR", None), "RECOGNIZED", ("BHR", None))} <= got, got


def test_expressing_gratitude_to_someone_praises_them(run):
    got = facts(run("Pakistan expressed gratitude to China for its vaccine donations."))
    assert (("PAK", None), "SUPPORTED", ("CHN", None)) in got, got


def test_missiles_launched_at_a_target_named_by_a_participle(run):
    got = facts(run("The Houthis launched drones targeting Saudi oil facilities."))
    assert any(s[0] == "YEM" and r == "ATTACKED" and t[0] == "SAU" for s, r, t in got), got
    # a participle that is no attack names no target of the launch
    got = facts(run("Russia launched a campaign supporting the separatists in Donbas."))
    assert not any(r == "ATTACKED" for s, r, t in got), got


def test_a_stance_modifier_names_no_identity(run):
    recs = run("Pro-Russian separatists shelled Ukrainian positions near Donetsk.")
    assert not any(r["source"]["country"] == "RUS" for r in recs), recs
    recs = run("The pro-Iranian militias attacked American troops in Syria.")
    assert not any(r["source"]["country"] == "IRN" for r in recs), recs


def test_unnamed_people_rebels_attack_are_their_countrys(run):
    got = facts(run("Boko Haram fighters killed 30 villagers on Sunday."))
    assert (("NGA", "REB"), "ATTACKED", ("NGA", "CVL")) in got, got
    got = facts(run("Houthi rebels have attacked journalists."))
    assert (("YEM", "REB"), "ATTACKED", ("YEM", "MED")) in got, got
    # a place named abroad still wins
    got = facts(run("Houthi rebels killed five people in Saudi Arabia."))
    assert (("YEM", "REB"), "ATTACKED", ("SAU", "CVL")) in got, got


def test_having_a_visitor_here_is_a_meeting(release):
    text = ("Antony J. Blinken, Secretary of State\n\nZbigniew Rau, Polish Foreign Minister\n\n"
            "SECRETARY BLINKEN: Good morning. We have troops here. Zbigniew, it is very good to have you here."
            "\n\nFOREIGN MINISTER RAU: Thank you very much.\n")
    recs = release(text, "2022-01-20")
    got = facts(recs)
    assert (("USA", "GOV"), "CONSULTED", ("POL", "GOV")) in got, got
    # things one has here are no party ("-other": only an actor fills the slot)
    assert not any(r["relation"] == "CONSULTED" and r["target"]["kind"] == "OTHER" for r in recs), recs


def test_we_in_a_conversation_is_both_sides_when_no_one_else_is_named(release):
    text = ("Antony J. Blinken, Secretary of State\n\nZbigniew Rau, Polish Foreign Minister\n\n"
            "SECRETARY BLINKEN: Good morning. We will meet with NATO allies tomorrow.\n\n"
            "FOREIGN MINISTER RAU: Thank you very much. Tony, I am very happy that we can continue our dialogue.\n")
    recs = release(text, "2022-01-20")
    got = facts(recs)
    assert {(("POL", "GOV"), "CONSULTED", ("USA", "GOV")), (("USA", "GOV"), "CONSULTED", ("POL", "GOV"))} <= got, got
    # with a party named, "we" is the speaker's side only
    nato = [r for r in recs if r["target"]["role"] == "IGO"]
    assert nato and {r["source"]["country"] for r in nato} == {"USA"}, nato


def test_exchanges_are_reciprocal(run):
    got = facts(run("Armenia and Azerbaijan exchanged fire along the border on Tuesday."))
    assert {(("ARM", None), "ATTACKED", ("AZE", None)), (("AZE", None), "ATTACKED", ("ARM", None))} <= got, got
    got = facts(run("Russia and Ukraine exchanged prisoners in Istanbul."))
    assert {(("RUS", None), "YIELDED", ("UKR", None)), (("UKR", None), "YIELDED", ("RUS", None))} <= got, got
    got = facts(run("Pakistan exchanged accusations with India over the attack."))
    assert (("PAK", None), "BLAMED", ("IND", None)) in got, got


def test_a_measure_at_home_cites_the_place_phrase_the_gazetteer_lacks(run):
    recs = run("The Peruvian government declared a state of emergency on Sunday in the southern province of Chumbivilcas.")
    home = [r for r in recs if r["relation"] == "COERCED"]
    assert home and home[0]["target"]["country"] == "PER" and home[0]["target"]["role"] == "CVL", home
    assert "Chumbivilcas" in home[0]["target"]["text"], home


def test_the_nation_is_a_country_named_earlier_in_the_sentence(extract_text):
    text = ("The United States welcomed the agreement. President Biden praised the United States' partners. "
            "Morocco recognized Israel and opened diplomatic relations with the nation in December.")
    got = facts(extract_text(text, date="2020-12-12"))
    assert (("MAR", None), "RECOGNIZED", ("ISR", None)) in got, got
    assert not any(s[0] == "MAR" and t[0] == "USA" for s, r, t in got), got


def test_an_opportunity_for_someone_to_act_is_not_a_wish(run):
    got = facts(run("The summit was an opportunity for Kenya to sign a trade deal with Ethiopia."))
    assert any(s[0] == "KEN" and t[0] == "ETH" for s, r, t in got), got
    # a call for someone to act still is
    recs = run("Kenya called for Ethiopia to withdraw its troops from Somalia.")
    assert all(r["modality"] == "hypothetical" for r in recs if r["source"]["country"] == "ETH"), recs


def test_the_parties_of_a_meeting_between_two_are_those_two(run):
    got = facts(run("Tanzania organized a summit between Kenya and Ethiopia in Arusha."))
    assert {(("KEN", None), "CONSULTED", ("ETH", None)), (("ETH", None), "CONSULTED", ("KEN", None))} <= got, got


CONVERSATION = ("Antony J. Blinken, Secretary of State\n\nAlfred Mutua, Kenyan Foreign Minister\n\n"
                "SECRETARY BLINKEN: Good afternoon. It is a pleasure to be here with the foreign minister of Kenya.\n\n"
                "FOREIGN MINISTER MUTUA: Thank you. I am ready to have a good discussion with Secretary Blinken. "
                "We are also ready to hold talks with Ethiopia.\n")


def test_a_meeting_in_progress_is_held_not_promised(release):
    recs = release(CONVERSATION, "2023-03-01")
    got = facts(recs)
    assert (("USA", "GOV"), "CONSULTED", ("KEN", "GOV")) in got, got  # "a pleasure to be here with"
    assert (("KEN", "GOV"), "CONSULTED", ("USA", "GOV")) in got, got  # "ready to have a discussion with" him
    assert (("KEN", "GOV"), "PLEDGED", ("USA", "GOV")) not in got, got
    # a meeting with someone not there is still a promise (CAMEO 036)
    assert any(r == "PLEDGED" and t[0] == "ETH" for s, r, t in got), got


def test_opportunities_to_be_discussed_are_not_occasions(run):
    recs = run("The envoy will discuss opportunities for Kenya to sign a trade deal with Ethiopia.")
    assert all(r["modality"] == "hypothetical" for r in recs if r["source"]["country"] == "KEN"), recs


def test_welcoming_an_event_supports_each_of_its_parties(run):
    got = facts(run("Japan welcomes the visit by Serbian President Aleksandar Vucic to Kosovo."))
    assert {t[0] for s, r, t in got if s[0] == "JPN" and r == "SUPPORTED"} >= {"SRB", "XKX"}, got
    got = facts(run("Japan welcomed the agreement between Serbia and Kosovo."))
    assert {t[0] for s, r, t in got if s[0] == "JPN" and r == "SUPPORTED"} >= {"SRB", "XKX"}, got
    got = facts(run("Germany praised the agreement between Armenia and Azerbaijan."))
    assert {t[0] for s, r, t in got if s[0] == "DEU" and r == "SUPPORTED"} >= {"ARM", "AZE"}, got
    # the welcomer's own country is no party of what it welcomes
    got = facts(run("The United States welcomes the stiff competition between our two countries and China."))
    assert not any(s[0] == "USA" and t[0] == "USA" for s, r, t in got), got
    # condemning an attack is not condemning its victim
    got = facts(run("Japan condemned the attack by Russia on Ukraine."))
    assert not any(s[0] == "JPN" and t[0] == "UKR" for s, r, t in got), got
