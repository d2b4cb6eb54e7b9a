"""The stats rollup (events per day, country, event type and sub-event type) stays equal to the events.

Every way merged events are written or deleted (ingest with merges, re-merge, a rules change, a copy of
an article under another id) is checked against a GROUP BY of the events, and stats read from the rollup
against the same stats computed from the events; on SQLite and PostgreSQL (`db_url`).
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import pytest
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from event_factory import make_article, make_record, synthetic_records
from eventscope.merge import load_merge_rules
from eventscope.store import EventFilter, open_store
from eventscope.store import sql as store_sql
from eventscope.store.engine import write_transaction
from eventscope.store.schema import ROLLUP_KEY, event_rollup, events
from merge_corpus import corpus_records

ROLLUP_FILTERS = [
    EventFilter(),
    EventFilter(country="AFG"),
    EventFilter(country="afghanistan"),
    EventFilter(country="Democratic Republic of Congo"),
    EventFilter(country="NOWHERE"),
    EventFilter(since=dt.date(2021, 6, 1)),
    EventFilter(until=dt.date(2020, 3, 1)),
    EventFilter(since=dt.date(2020, 2, 1), until=dt.date(2020, 2, 1)),
    EventFilter(event_type="battles"),
    EventFilter(event_type="Air/drone strike"),  # a sub-event type given as the type
    EventFilter(sub_event_type="armed clash"),
    EventFilter(country="NGA", event_type="Protests", since=dt.date(2020, 1, 15), until=dt.date(2021, 12, 31)),
]


def rollup_rows(store):
    """The rollup as {key: (events, fatalities)}, checking that no key is there twice or empty."""
    r = event_rollup.c
    with store.engine.connect() as conn:
        rows = conn.execute(select(*(r[n] for n in ROLLUP_KEY), r.events, r.fatalities)).all()
    found = {tuple(row[: len(ROLLUP_KEY)]): (row.events, row.fatalities) for row in rows}
    assert len(found) == len(rows), "a key is in the rollup twice"
    assert all(n > 0 for n, _ in found.values()), "an emptied rollup row was kept"
    return found


def events_grouped(store):
    keys = [events.c[n] for n in ROLLUP_KEY]
    query = select(*keys, func.count(), func.coalesce(func.sum(events.c.fatalities), 0)).group_by(*keys)
    with store.engine.connect() as conn:
        return {tuple(row[: len(ROLLUP_KEY)]): (row[-2], int(row[-1])) for row in conn.execute(query)}


def assert_rollup_matches(store):
    assert rollup_rows(store) == events_grouped(store)


def direct_stats(store, filters, monkeypatch):
    """Stats computed from the events, as for filters the rollup cannot answer."""
    with monkeypatch.context() as patch:
        patch.setattr(store_sql, "_rollup_answers", lambda _f: False)
        return store.stats(filters)


def assert_stats_match(store, monkeypatch):
    for filters in ROLLUP_FILTERS:
        assert store_sql._rollup_answers(filters)
        assert store.stats(filters) == direct_stats(store, filters, monkeypatch), filters


def synthetic_items(n_events=120, seed=3):
    records, _ = synthetic_records(n_events, seed=seed, days=60)
    return [(make_article(r["article_id"]), [r]) for r in records]


def test_rollup_follows_incremental_merges_and_remerge(store, monkeypatch):
    items = synthetic_items()
    # Merging every few articles re-merges events as their other reports arrive: events deleted and rebuilt.
    store.add_articles_and_mentions(items[: len(items) // 2], merge_every=5)
    assert_rollup_matches(store)
    store.add_articles_and_mentions(items[len(items) // 2 :], merge_every=7)
    assert store.counts()["unmerged"] == 0
    assert_rollup_matches(store)
    assert_stats_match(store, monkeypatch)
    before = rollup_rows(store)
    store.remerge()
    assert_rollup_matches(store)
    assert rollup_rows(store) == before  # the same events again
    assert_stats_match(store, monkeypatch)


def test_rollup_follows_a_rules_change(db_url, tmp_path, monkeypatch):
    records, _ = corpus_records()
    with open_store(db_url) as store:
        for record in records:
            store.add_article(make_article(record["article_id"]), [record])
        store.merge()
        assert_rollup_matches(store)
    text = (load_merge_rules.__globals__["DEFAULT_RULES_PATH"]).read_text()
    strict = tmp_path / "merge.yaml"
    strict.write_text(text.replace("version: 1", "version: 2").replace("    1: 1\n", "    1: 0\n"))
    with open_store(db_url, rules=load_merge_rules(strict)) as store:
        store.merge()  # every event deleted and merged again, under other rules
        assert_rollup_matches(store)
        assert store.stats() == direct_stats(store, EventFilter(), monkeypatch)


def test_rollup_follows_a_copy_that_rebuilds_an_event(store, monkeypatch):
    article = make_article("orig", url="https://wire.test/1", source="Wire")
    store.add_article(article, [make_record("orig:0", fatalities=3)])
    store.add_article(make_article("other"), [make_record("other:0", country="NGA", fatalities=7,
                                                          type="Protests|Peaceful protest")])  # fmt: skip
    store.merge()
    assert_rollup_matches(store)
    copy = make_article("copy", text=article.text, source="Daily Paper", url="https://paper.test/7")
    assert store.add_article(copy, []) is False  # its event is deleted, to be rebuilt with the new source
    assert_rollup_matches(store)
    assert store.stats().events == 1
    store.merge()
    assert_rollup_matches(store)
    assert store.stats() == direct_stats(store, EventFilter(), monkeypatch)
    assert store.stats().events == 2 and store.stats().fatalities == 10


def test_stats_of_other_filters_read_the_events(store):
    for filters in (EventFilter(admin1="Kunduz"), EventFilter(actor="taliban"), EventFilter(min_fatalities=1),
                    EventFilter(bbox=(60.0, 30.0, 70.0, 40.0)), EventFilter(text="kunduz")):  # fmt: skip
        assert not store_sql._rollup_answers(filters)
    store.add_article(make_article("a"), [make_record("a:0", fatalities=3)])
    store.add_article(make_article("b"), [make_record("b:0", country="NGA", date=None, fatalities=0)])
    store.merge()
    assert store.stats(EventFilter(min_fatalities=1)).events == 1
    assert store.stats().events == 2 and len(store.stats().by_day) == 1  # the undated event is counted, not dated


def test_migration_builds_the_rollup_of_an_existing_store(db_url, monkeypatch):
    with open_store(db_url) as store:
        store.add_articles_and_mentions(synthetic_items(60, seed=5), merge_every=0)
        expected = events_grouped(store)
        # Back to the schema before the rollup, as a store made by an older eventscope.
        config = Config()
        config.set_main_option("script_location", str(files("eventscope.store") / "migrations"))
        with write_transaction(store.engine) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
    with open_store(db_url) as store:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == "0003"
        assert rollup_rows(store) == expected
        assert_stats_match(store, monkeypatch)


@pytest.mark.parametrize("filters", [EventFilter(), EventFilter(country="AFG", event_type="Battles")])
def test_empty_store_stats(store, filters):
    stats = store.stats(filters)
    assert (stats.events, stats.fatalities, stats.by_day, stats.by_country) == (0, 0, [], [])
