"""Store and merge benchmark: ingest articles/s into SQLite and PostgreSQL, merge time as events grow.

    python benchmarks/ingest_bench.py                      # PostgreSQL too when EVENTSCOPE_TEST_PG_URL is set
    python benchmarks/ingest_bench.py --pg postgresql://postgres@127.0.0.1:5432/bench --articles 5000

Articles carry synthetic event records (tests/event_factory.py: each event reported 1-4 times with the
variations real reports show), so the figures are the store's and the merge's own, without extraction
(benchmarks/extract_throughput.py measures that).  Printed:
  - store ingest: articles/s and event mentions/s, one transaction per article, merging every 500;
  - merge in memory: link graph + clustering + merged records at 10k and 100k events, and the growth
    factor, both over a period that grows with the events (same density: near linear) and within one
    year (denser blocks: each mention meets more candidates);
  - a full re-merge inside each store at 10k events.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from event_factory import make_article, synthetic_records  # noqa: E402
from eventscope.merge import LinkGraph, load_merge_rules, mention_from_record, merge_records  # noqa: E402
from eventscope.store import open_store  # noqa: E402


def by_article(records):
    grouped: dict[str, list] = {}
    for record in records:
        grouped.setdefault(record["article_id"], []).append(record)
    return grouped


def fresh_pg_database(url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url).set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"es_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(drivername="postgresql", database=name).render_as_string(hide_password=False), drop


def bench_store(label: str, url: str, n_articles: int, remerge_events: int) -> None:
    records, _ = synthetic_records(max(1, n_articles * 10 // 22), seed=1)
    grouped = by_article(records)
    articles = sorted(grouped)[:n_articles]
    items = [(make_article(a), grouped[a]) for a in articles]
    mentions = sum(len(grouped[a]) for a in articles)
    with open_store(url) as store:
        start = time.perf_counter()
        report = store.add_articles_and_mentions(items, merge_every=500)
        took = time.perf_counter() - start
        print(f"{label:<10} ingest {report.articles_added} articles ({mentions} mentions) in {took:.1f} s: "
              f"{report.articles_added / took:,.0f} articles/s, {mentions / took:,.0f} mentions/s")  # fmt: skip
    records, _ = synthetic_records(remerge_events, seed=2)
    grouped = by_article(records)
    with open_store(url) as store:
        for article_id, found in grouped.items():
            store.add_article(make_article(article_id), found)
        start = time.perf_counter()
        result = store.remerge()
        took = time.perf_counter() - start
        print(f"{label:<10} re-merge {remerge_events:,} events ({len(records):,} mentions) in the store: {took:.1f} s "
              f"({result.events_written:,} events written)")  # fmt: skip


def bench_merge(n_events: int, days: int) -> float:
    rules = load_merge_rules()
    records, _ = synthetic_records(n_events, seed=3, days=days)
    start = time.perf_counter()
    graph = LinkGraph((mention_from_record(r, rules) for r in records), rules)
    linked = time.perf_counter()
    clusters = graph.clusters()
    clustered = time.perf_counter()
    by_id = {r["event_id"]: r for r in records}
    for group in clusters:
        merge_records([by_id[m] for m in group], rules)
    done = time.perf_counter()
    print(f"merge      {n_events:>7,} events over {days:>5} days ({len(records):,} mentions): {done - start:.2f} s "
          f"(links {linked - start:.2f}, clusters {clustered - linked:.2f}, records {done - clustered:.2f}); "
          f"{len(graph.links):,} links, {len(clusters):,} merged events")  # fmt: skip
    return done - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="articles to ingest per backend")
    parser.add_argument("--remerge-events", type=int, default=10_000, help="events for the in-store re-merge")
    parser.add_argument("--pg", default=os.environ.get("EVENTSCOPE_TEST_PG_URL"), help="PostgreSQL server URL")
    parser.add_argument("--sizes", default="10000,100000", help="event counts for the in-memory merge")
    args = parser.parse_args()

    sizes = sorted(map(int, args.sizes.split(",")))
    # Warm up (imports, rule loading, allocator) so the first size is not charged for it.
    rules = load_merge_rules()
    LinkGraph((mention_from_record(r, rules) for r in synthetic_records(2000, seed=9)[0]), rules).clusters()
    # Two ways a store grows: a longer period at the same density (a backfill), and more events in the
    # same year (more sources per day: each block holds more candidates).
    for label, days_for in (("same density", lambda n: max(1, n * 365 // 10_000)), ("same year", lambda n: 365)):
        times = {n: bench_merge(n, days_for(n)) for n in sizes}
        for small, large in zip(sizes, sizes[1:], strict=False):
            growth = times[large] / times[small]
            print(f"merge      {label}: {large // small}x the events took {growth:.1f}x the time")

    with tempfile.TemporaryDirectory() as tmp:
        bench_store("sqlite", f"sqlite:///{tmp}/bench.db", args.articles, args.remerge_events)
    if args.pg:
        url, drop = fresh_pg_database(args.pg)
        try:
            bench_store("postgresql", url, args.articles, args.remerge_events)
        finally:
            drop()
    else:
        print("postgresql skipped: set EVENTSCOPE_TEST_PG_URL or --pg (. .ci/postgres.sh starts a server)")


if __name__ == "__main__":
    main()
