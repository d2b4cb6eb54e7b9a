"""API load benchmark: p50/p95 latency and requests/s of the list and stats endpoints under concurrent clients.

    python benchmarks/api_load.py                                   # 100,000 events, SQLite (and PostgreSQL
                                                                    # when EVENTSCOPE_TEST_PG_URL is set)
    python benchmarks/api_load.py --events 20000 --seconds 5 --keep /tmp/bench.db   # keep and reuse the store

Builds a store of generated events (tests/event_factory.py: one report each, spread over three years and
twelve countries) through the store's own ingest and merge, serves it with `eventscope serve` in another
process (as a user would), and runs closed-loop clients on 127.0.0.1: each of the --clients keeps one
HTTP/1.1 connection open and sends its next request as soon as the last one is answered, for --seconds.
Requests cycle through filters a dashboard sends (country, type, dates, sorting, a second page).

Scenarios: `list` (GET /api/events, 50 a page, 12 different requests), `list+search` (with a text or
actor search, which no index helps) and `stats` (GET /api/stats, 8 filters), each twice: with the app's
response cache (5 s, the default: after the first request of each, the others reuse it) and with
EVENTSCOPE_CACHE_SECONDS=0 (every request runs its SQL).  The load generator shares the machine's cores
with the server, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import fresh_pg_database  # noqa: E402  (one throwaway-database helper for the benchmarks)

from event_factory import make_article, synthetic_records  # noqa: E402
from eventscope.store import open_store  # noqa: E402

LIST_FILTERS = [
    {},
    {"sort": "-fatalities"},
    {"country": "NGA"},
    {"event_type": "Battles"},
    {"since": "2021-06-01"},
    {"country": "AFG", "since": "2020-06-01", "until": "2021-06-01"},
    {"event_type": "Violence against civilians", "min_fatalities": 5},
    {"sort": "event_date", "country": "UKR"},
]
SEARCH_FILTERS = [{"text": "Town NGA 12"}, {"actor": "Group 2 of Mali"}, {"text": "Region SOM 3"}]
STATS_FILTERS = [
    {},
    {"country": "NGA"},
    {"event_type": "Battles"},
    {"since": "2021-06-01"},
    {"country": "AFG", "event_type": "Protests"},
    {"since": "2020-03-01", "until": "2020-09-01"},
    {"min_fatalities": 10},
    {"country": "MEX", "since": "2021-01-01"},
]


def build_store(url: str, n_events: int) -> None:
    """n_events generated events, each reported by one article, ingested and merged by the store."""
    records, _ = synthetic_records(n_events, seed=7, days=3 * 365)
    firsts = [r for r in records if r["event_id"].endswith("-0:0")]
    start = time.perf_counter()
    with open_store(url) as store:
        items = ((make_article(r["article_id"]), [r]) for r in firsts)
        store.add_articles_and_mentions(items, merge_every=0)
        events = store.counts()["events"]
    print(f"  built {events:,} events from {len(firsts):,} articles in {time.perf_counter() - start:.0f} s")


def event_count(url: str) -> int:
    with open_store(url) as store:
        return store.counts()["events"]


@contextmanager
def served(url: str, cache: bool, workers: int):
    """`eventscope serve` on a free port in another process; yields its base URL."""
    env = {**os.environ, "EVENTSCOPE_CACHE_SECONDS": "5" if cache else "0"}
    command = [sys.executable, "-c", "from eventscope.cli import main; main()", "-q", "serve", "--db", url,
               "--port", "0", "--workers", str(workers)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        base = None
        deadline = time.monotonic() + 120
        while base is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                raise RuntimeError(f"eventscope serve exited with status {process.returncode}")
            found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
            base = found.group(1) if found else None
        if base is None:
            raise RuntimeError("eventscope serve did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> tuple[int, bytes]:
    """One GET on a kept-alive connection: (status, body)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if length is None:
        raise RuntimeError(f"{path}: no Content-Length in the response")
    return status, await reader.readexactly(int(length.group(1)))


async def client(
    host: str, port: int, paths: list[str], stop: float, latencies: list[float], errors: list[str]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = random.randrange(len(paths))
    try:
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            status, _body = await fetch(reader, writer, f"{host}:{port}", path)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"{status} {path}")
    finally:
        writer.close()


async def load(base: str, paths: list[str], clients: int, seconds: float) -> tuple[list[float], list[str], float]:
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(client(host, int(port), paths, stop, latencies, errors) for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def second_pages(base: str) -> list[str]:
    """GET /api/events paths for the second page of some filters (a cursor from the first page)."""
    import json

    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    paths = []
    for filters in LIST_FILTERS[:4]:
        first = "/api/events?" + urlencode({**filters, "limit": 50})
        _status, body = await fetch(reader, writer, f"{host}:{port}", first)
        cursor = json.loads(body)["next_cursor"]
        if cursor:
            paths.append("/api/events?" + urlencode({**filters, "limit": 50, "cursor": cursor}))
    writer.close()
    return paths


def run_scenario(label: str, base: str, paths: list[str], clients: int, seconds: float) -> None:
    asyncio.run(load(base, paths, min(clients, 8), 1.0))  # warm up: imports, caches, connection pool
    latencies, errors, took = asyncio.run(load(base, paths, clients, seconds))
    rps = len(latencies) / took
    p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
    print(f"  {label:<18} {len(latencies):>7,} requests  {rps:>7,.0f} req/s  p50 {p50:>7.1f} ms  p95 {p95:>7.1f} ms"
          f"  p99 {p99:>7.1f} ms  errors {len(errors)}")  # fmt: skip
    for error in sorted(set(errors))[:3]:
        print(f"    {error}")


def bench(label: str, url: str, clients: int, seconds: float, workers: int) -> None:
    print(f"{label}: {event_count(url):,} events, {clients} concurrent clients, {seconds:.0f} s a scenario, "
          f"{workers} server process{'es' if workers > 1 else ''}")  # fmt: skip
    lists = ["/api/events?" + urlencode({**f, "limit": 50}) for f in LIST_FILTERS]
    searches = ["/api/events?" + urlencode({**f, "limit": 50}) for f in SEARCH_FILTERS]
    stats = ["/api/stats?" + urlencode(f) if f else "/api/stats" for f in STATS_FILTERS]
    for cache in (True, False):
        suffix = "" if cache else ", no cache"
        with served(url, cache=cache, workers=workers) as base:
            run_scenario("list" + suffix, base, lists + asyncio.run(second_pages(base)), clients, seconds)
            run_scenario("list+search" + suffix, base, searches, clients, seconds)
            run_scenario("stats" + suffix, base, stats, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="generated events in the store")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each scenario")
    parser.add_argument("--keep", metavar="PATH", help="SQLite store to reuse (built there when missing)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (eventscope serve --workers)")
    parser.add_argument("--pg", default=os.environ.get("EVENTSCOPE_TEST_PG_URL"), help="PostgreSQL server URL")
    parser.add_argument("--keep-pg", metavar="URL", help="PostgreSQL database to reuse (built there when empty)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "bench.db")
        url = f"sqlite:///{path}"
        if not path.exists():
            print(f"sqlite: building {args.events:,} events")
            build_store(url, args.events)
        bench("sqlite", url, args.clients, args.seconds, args.workers)
    if args.keep_pg:
        if event_count(args.keep_pg) == 0:
            print(f"postgresql: building {args.events:,} events")
            build_store(args.keep_pg, args.events)
        bench("postgresql", args.keep_pg, args.clients, args.seconds, args.workers)
        return
    if not args.pg:
        print("postgresql skipped: set EVENTSCOPE_TEST_PG_URL or --pg (. .ci/postgres.sh starts a server)")
        return
    url, drop = fresh_pg_database(args.pg)
    try:
        print(f"postgresql: building {args.events:,} events")
        build_store(url, args.events)
        bench("postgresql", url, args.clients, args.seconds, args.workers)
    finally:
        drop()


if __name__ == "__main__":
    main()
