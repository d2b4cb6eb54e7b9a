"""Cross-article merge: rules file, pair decisions, clustering, merged fields, order independence."""

from __future__ import annotations

import random

import pytest

from event_factory import make_record
from eventscope.errors import RuleFileError
from eventscope.merge import (
    LinkGraph,
    cluster,
    compare,
    explain_event,
    load_merge_rules,
    mention_from_record,
    merge_records,
)
from merge_corpus import corpus_records, pairwise_scores


@pytest.fixture(scope="module")
def rules():
    return load_merge_rules()


def decide(a, b, rules):
    return compare(mention_from_record(a, rules), mention_from_record(b, rules), rules, explain=True)


def failed(decision):
    return [c.criterion for c in decision.checks if not c.ok]


# ---------------------------------------------------------------------------------------- rules file


def test_packaged_rules_load(rules):
    assert rules.version >= 1
    assert rules.type_rank["Battles"] == 0
    assert len(rules.sub_event_rank) == 25


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: [1\n", "not valid YAML"),
        ("- a list\n", "expected a mapping"),
        ("version: 1\n", "missing key 'date'"),
    ],
)
def test_bad_rules_file_names_the_problem(tmp_path, text, message):
    path = tmp_path / "merge.yaml"
    path.write_text(text)
    with pytest.raises(RuleFileError, match=message) as info:
        load_merge_rules(path)
    assert str(path) in str(info.value)


def test_bad_value_names_file_and_line(tmp_path):
    from eventscope.merge import DEFAULT_RULES_PATH

    text = DEFAULT_RULES_PATH.read_text().replace("same_name_km: 25", "same_name_km: far")
    path = tmp_path / "merge.yaml"
    path.write_text(text)
    with pytest.raises(RuleFileError) as info:
        load_merge_rules(path)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "same_name_km: far" in row)
    assert f"{path}:{line}: place.same_name_km: expected" in str(info.value)


def test_unknown_type_in_pair_is_rejected(tmp_path):
    from eventscope.merge import DEFAULT_RULES_PATH

    text = DEFAULT_RULES_PATH.read_text().replace("- [Riots, Protests]", "- [Riots, Protest]")
    path = tmp_path / "merge.yaml"
    path.write_text(text)
    with pytest.raises(RuleFileError, match="types.compatible_types.3: expected a pair of known names"):
        load_merge_rules(path)


def test_rules_sub_event_types_are_acled_strings(rules):
    # The 25 sub-event types of ACLED's codebook, each under its own type.
    assert set(rules.sub_event_rank) >= {
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory",
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade", "Sexual violence", "Attack",
        "Abduction/forced disappearance", "Peaceful protest", "Protest with intervention",
        "Excessive force against protesters", "Violent demonstration", "Mob violence", "Agreement",
        "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
        "Looting/property destruction", "Non-violent transfer of territory", "Other",
    }  # fmt: skip


# ------------------------------------------------------------------------------------ pair decisions


BASE = {"date": "2015-09-28", "place": ("Kunduz", "Kunduz", 36.73, 68.86, 1)}
ARMY = "Military Forces of Afghanistan|1"
SHELLING = "Explosions/Remote violence|Shelling/artillery/missile attack"


@pytest.mark.parametrize(
    ("b_fields", "linked", "fails"),
    [
        ({}, True, []),
        ({"date": "2015-09-29"}, True, []),  # a day apart at day precision
        ({"date": "2015-09-30"}, False, ["date"]),
        ({"date": "2015-10-02", "time_precision": 2}, True, []),  # week precision, same place and type
        ({"date": "2015-10-02", "time_precision": 2, "type": SHELLING}, False, ["date"]),
        ({"date": None}, True, []),  # undated, same place and event type
        ({"date": None, "place": ("Baghlan", "Baghlan", 36.13, 68.7, 1)}, False, ["date", "place"]),
        ({"place": ("Kunduz", "Kunduz", 36.9, 68.9, 1)}, True, []),  # same name, 19 km
        ({"place": ("Chahar Dara", "Kunduz", 36.70, 68.73, 1)}, False, ["place"]),  # 12 km, other name
        ({"place": ("Aqtash", "Kunduz", 36.76, 68.91, 1)}, True, []),  # 5 km, other name
        ({"place": ("Kunduz", "Kunduz", 36.9, 69.0, 2)}, True, []),  # near, 22 km
        ({"place": ("Kunduz", "Kunduz", 37.5, 69.3, 3)}, True, []),  # province only, same admin1
        ({"place": ("Baghlan", "Baghlan", 36.0, 68.7, 3)}, False, ["place"]),
        ({"place": ("Kunduz", "Kunduz", 37.5, 69.3, 3), "type": SHELLING}, False, ["place"]),
        ({"place": None}, False, ["place"]),
        ({"type": SHELLING}, True, []),
        ({"type": "Protests|Peaceful protest"}, False, ["type"]),
        ({"type": "Strategic developments|Arrests"}, False, ["type"]),
        ({"actors": ("Military Forces of Afghanistan|1", "Taliban|2")}, True, []),  # order swapped
        ({"actors": ("Taliban|2",)}, True, []),
        ({"actors": ("Taliban|2", "Police Forces of Afghanistan (2004-2021)|1")}, True, []),
        ({"actors": ("Unidentified Armed Group (Afghanistan)|3", ARMY)}, True, []),
        ({"actors": ("Islamic State Khorasan Province|2", ARMY)}, False, ["actors"]),
        ({"actors": ("Taliban|2", "Civilians (Afghanistan)|7")}, False, ["actors"]),
        ({"actors": ("Taliban|2", "Military Forces of Pakistan|8")}, False, ["actors"]),
    ],
)  # fmt: skip
def test_pair_decision(rules, b_fields, linked, fails):
    a = make_record("a:0", type="Battles|Armed clash", **BASE)
    b = make_record("b:0", **{"type": "Battles|Armed clash", **BASE, **b_fields})
    decision = decide(a, b, rules)
    assert decision.linked is linked
    assert failed(decision) == fails


def test_unnamed_group_is_not_a_state_force(rules):
    a = make_record("a:0", actors=("Unidentified Armed Group (Afghanistan)|3", "Civilians (Afghanistan)|7"),
                    type="Violence against civilians|Attack", **BASE)  # fmt: skip
    b = make_record("b:0", actors=("Military Forces of Afghanistan|1", "Civilians (Afghanistan)|7"),
                    type="Violence against civilians|Attack", **BASE)  # fmt: skip
    assert failed(decide(a, b, rules)) == ["actors"]


def test_two_events_of_one_article_never_merge(rules):
    a = make_record("x:0", article_id="x", **BASE)
    b = make_record("x:1", article_id="x", **BASE)
    assert failed(decide(a, b, rules)) == ["article"]
    assert cluster([a, b], rules) == [["x:0"], ["x:1"]]


def test_decision_is_symmetric(rules):
    a = make_record("a:0", fatalities=3, **BASE)
    b = make_record("b:0", date="2015-09-29", place=("Aqtash", "Kunduz", 36.76, 68.91, 1))
    ab, ba = decide(a, b, rules), decide(b, a, rules)
    assert (ab.linked, ab.score, ab.a, ab.b) == (ba.linked, ba.score, ba.a, ba.b)


# ---------------------------------------------------------------------------------------- clustering


def test_unnamed_report_joins_only_one_of_two_named_groups(rules):
    # Same place and day: the Taliban's attack and ISKP's attack are different events; "gunmen" may be
    # either, but complete linkage keeps it from chaining the two together.
    common = {"type": "Violence against civilians|Attack", **BASE}
    taliban = [
        make_record(f"t{i}:0", actors=("Taliban|2", "Civilians (Afghanistan)|7"), **common) for i in range(2)
    ]
    iskp = [make_record(f"k{i}:0", actors=("Islamic State Khorasan Province|2",), **common) for i in range(2)]
    gunmen = make_record("g:0", actors=("Unidentified Armed Group (Afghanistan)|3",), **common)
    clusters = cluster([*taliban, *iskp, gunmen], rules)
    assert sorted(map(len, clusters)) == [2, 3]
    assert not any({"t0:0", "k0:0"} <= set(c) for c in clusters)


def test_no_chaining_across_days(rules):
    # Day 1, day 2, day 3 at one place: 1-2 and 2-3 are a day apart, 1-3 are not: never one event.
    days = ["2015-09-27", "2015-09-28", "2015-09-29"]
    records = [make_record(f"d{i}:0", date=d, place=BASE["place"]) for i, d in enumerate(days)]
    clusters = cluster(records, rules)
    assert max(map(len, clusters)) == 2


def test_corpus_pairwise_precision_and_recall(rules, record_property):
    records, truth = corpus_records()
    events = {truth[r["event_id"]] for r in records}
    assert len(events) >= 20 and len(records) >= 50
    precision, recall, predicted, gold = pairwise_scores(cluster(records, rules), truth)
    record_property("merge_precision", precision)
    record_property("merge_recall", recall)
    print(f"\ncluster corpus: {len(records)} reports of {len(events)} events; pairs gold {gold} "
          f"predicted {predicted}; precision {precision:.3f} recall {recall:.3f}")  # fmt: skip
    assert precision >= 0.9
    assert recall >= 0.9


def test_corpus_near_misses_stay_apart(rules):
    records, truth = corpus_records()
    for group in cluster(records, rules):
        assert len({truth[m] for m in group}) == 1, group


def test_result_does_not_depend_on_order(rules):
    records, _ = corpus_records()
    expected = cluster(records, rules)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = records[:]
        rng.shuffle(shuffled)
        assert cluster(shuffled, rules) == expected


def test_components_hold_every_linked_mention(rules):
    records, truth = corpus_records()
    graph = LinkGraph((mention_from_record(r, rules) for r in records), rules)
    seed = next(r["event_id"] for r in records if truth[r["event_id"]] == "kunduz-fall")
    (group,) = graph.components([seed])
    assert {m for m in group if truth[m] == "kunduz-fall"} == {m for m in truth if truth[m] == "kunduz-fall"}


# ------------------------------------------------------------------------------------- merged fields


def test_merged_event_fields(rules):
    records = [
        make_record("a:0", type="Battles|Armed clash", fatalities=30, high=35, **BASE),
        make_record("b:0", type="Battles|Non-state actor overtakes territory", date="2015-09-29",
                    actors=("Unidentified Armed Group (Afghanistan)|3",),
                    place=("Kunduz", "Kunduz", 36.8, 68.8, 3)),
        make_record("c:0", type="Explosions/Remote violence|Shelling/artillery/missile attack",
                    fatalities=27, low=25, place=("Kunduz", "Kunduz", 36.74, 68.87, 1)),
        make_record("d:0", date=None, fatalities=0, **{"place": BASE["place"]}),
    ]  # fmt: skip
    merged = merge_records(records, rules).to_record()
    # Highest type in ACLED's hierarchy, and within it the highest sub-event type.
    assert (merged["event_type"], merged["sub_event_type"]) == (
        "Battles",
        "Non-state actor overtakes territory",
    )
    # The unidentified group of the lead report is named from another report; inter codes follow.
    assert (merged["actor1"], merged["actor2"]) == ("Taliban", "Military Forces of Afghanistan")
    assert merged["interaction"] == 12
    # The most conservative stated toll (an explicit 0 counts), the widest range.
    assert (merged["fatalities"], merged["fatalities_low"], merged["fatalities_high"]) == (0, 0, 35)
    # The most precise, most reported date and place.
    assert (merged["event_date"], merged["time_precision"]) == ("2015-09-28", 1)
    assert (merged["location"], merged["geo_precision"], merged["latitude"]) == ("Kunduz", 1, 36.73)
    assert merged["article_ids"] == ["a", "b", "c", "d"]
    assert [s["article_id"] for s in merged["sources"]] == ["a", "b", "c", "d"]
    assert merged["event_id"].startswith("AFG-")


def test_unstated_tolls_do_not_lower_the_figure(rules):
    records = [make_record("a:0", fatalities=12, **BASE), make_record("b:0", **BASE)]
    merged = merge_records(records, rules).to_record()
    assert merged["fatalities"] == 12


def test_merged_evidence_keeps_its_article(rules):
    evidence = [{"field": "actor1", "text": "Taliban", "start": 10, "end": 17}]
    records = [make_record("a:0", evidence=evidence, **BASE), make_record("b:0", fatalities=3, **BASE)]
    merged = merge_records(records, rules).to_record()
    assert {"field": "actor1", "text": "Taliban", "start": 10, "end": 17, "article_id": "a"} in merged[
        "evidence"
    ]
    assert {e["article_id"] for e in merged["evidence"]} == {"a", "b"}


def test_merged_event_id_is_order_independent(rules):
    records = [make_record(f"{x}:0", **BASE) for x in "qab"]
    assert merge_records(records, rules).event_id == merge_records(records[::-1], rules).event_id


def test_explain_lists_links_and_near_misses(rules):
    records, truth = corpus_records()
    members = [r for r in records if truth[r["event_id"]] == "kunduz-fall"]
    others = [(r, truth[r["event_id"]]) for r in records if r["iso3"] == "AFG" and r not in members]
    explanation = explain_event(merge_records(members, rules).to_record(), members, others, rules)
    assert len(explanation.links) == 6 and all(d.linked for d in explanation.links)
    first = explanation.near_misses[0]
    assert first.event_id in {"kunduz-later-clash", "pul-e-khumri-clash"}
    assert not first.decision.linked
    assert explanation.to_dict()["links"][0]["checks"][0]["criterion"] == "type"


def test_blocking_finds_every_link_all_pairs_would(rules):
    from event_factory import synthetic_records

    records, _ = synthetic_records(400, seed=3, days=20, towns_per_country=15)
    mentions = [mention_from_record(r, rules) for r in records]
    graph = LinkGraph(mentions, rules)
    blocked = {(a, b) for _, a, b in graph.links}
    every = set()
    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            decision = compare(a, b, rules)
            if decision is not None:
                every.add((decision.a, decision.b))
    assert blocked == every and len(every) > 300
    assert len(graph.links) == len(blocked)  # each pair compared once


def test_fast_and_explained_decisions_agree(rules):
    records, _ = corpus_records()
    mentions = [mention_from_record(r, rules) for r in records]
    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            fast, full = compare(a, b, rules), compare(a, b, rules, explain=True)
            assert (fast is not None) == full.linked
            if fast is not None:
                assert fast.score == full.score


def test_synthetic_corpus_precision_and_recall(rules):
    from event_factory import synthetic_records

    records, truth = synthetic_records(2000, seed=11)
    precision, recall, _, _ = pairwise_scores(cluster(records, rules), truth)
    assert precision >= 0.9 and recall >= 0.9
