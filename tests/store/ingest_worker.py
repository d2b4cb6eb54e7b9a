"""A separate ingest process for the concurrency and kill -9 tests: stores articles with their records.

usage: ingest_worker.py DB_URL RECORDS.json [--sleep SECONDS] [--merge-every N] [--reverse] [--no-final-merge]
RECORDS.json is a list of event records (tests/event_factory.py); each article_id becomes one article.
"""

from __future__ import annotations

import argparse
import json
import time

from event_factory import make_article
from eventscope.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("records")
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--merge-every", type=int, default=5)
    parser.add_argument("--reverse", action="store_true")
    parser.add_argument("--no-final-merge", action="store_true", help="store only: add each article, no merge")
    args = parser.parse_args()
    with open(args.records, encoding="utf-8") as f:
        records = json.load(f)
    by_article: dict[str, list[dict]] = {}
    for record in records:
        by_article.setdefault(record["article_id"], []).append(record)
    order = sorted(by_article, reverse=args.reverse)

    def items():
        for article_id in order:
            if args.sleep:
                time.sleep(args.sleep)
            yield make_article(article_id), by_article[article_id]

    with open_store(args.db) as store:
        if args.no_final_merge:
            added = sum(store.add_article(article, found) for article, found in items())
            print(json.dumps({"added": added, "duplicate": len(order) - added}))
            return
        report = store.add_articles_and_mentions(items(), merge_every=args.merge_every)
    print(json.dumps({"added": report.articles_added, "duplicate": report.articles_duplicate}))


if __name__ == "__main__":
    main()
