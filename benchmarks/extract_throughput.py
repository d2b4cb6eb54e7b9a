"""Extract throughput in one process against bare spaCy, and where the rest of the time goes.

    python benchmarks/extract_throughput.py                 # 2,000 articles
    python benchmarks/extract_throughput.py --articles 500 --profile

On the same corpus as benchmarks/throughput.py (benchmarks/corpus.py), in this process:
  - bare nlp.pipe of the same spaCy pipeline (eventscope's load_nlp, sentence guard included, the same
    batch size) over exactly the texts extract parses: articles/s and words/s;
  - eventscope's extract (Pipeline.extract_articles, every record made with to_record) over the articles:
    articles/s, words/s (the same words) and the ratio to bare spaCy;
  - both in wall time and in this process's CPU time (other work on the machine moves the first only).
With --profile, a cProfile run of extract split by module: spaCy and thinc against each of our stages.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_corpus  # noqa: E402
from throughput import TASK_BATCH, block_texts  # noqa: E402


def timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def group_of(filename: str) -> str:
    """The stage a profiled function belongs to."""
    if "/eventscope/" in filename:
        return "eventscope." + filename.split("/eventscope/", 1)[1].removesuffix(".py").replace("/", ".")
    for library in ("spacy", "thinc", "numpy", "blis", "sqlite3", "dateparser", "re", "json"):
        if f"/{library}/" in filename or filename.startswith(f"{library}/"):
            return library
    if filename.endswith((".pyx", ".pxd")):
        return "spacy"
    return "other"


def profile(pipeline, articles) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _article, events in pipeline.extract_articles(articles):
        for event in events:
            event.to_record()
    profiler.disable()
    stats = pstats.Stats(profiler)
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        own[group_of(filename)] += tottime
    total = sum(own.values())
    print(f"\nprofile of extract ({total:.1f} s under cProfile), own time by module:")
    for group, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        if seconds / total >= 0.005:
            print(f"  {group:<40}{seconds:>8.2f} s {100 * seconds / total:>6.1f}%")
    print("\ntop functions of eventscope by own time:")
    ours = [(key, value) for key, value in stats.stats.items() if "/eventscope/" in key[0]]  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in sorted(ours, key=lambda kv: -kv[1][2])[:15]:
        short = filename.split("/eventscope/", 1)[1]
        print(f"  {short}:{line} {name:<32}{calls:>9} calls {tottime:>7.2f} s own {cumtime:>7.2f} s cumulative")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="also profile extract by module")
    args = parser.parse_args()

    from eventscope.api import Pipeline
    from eventscope.read import ReadProblem, iter_inputs

    work = Path(tempfile.mkdtemp(prefix="eventscope-extract-throughput-"))
    corpus = work / "corpus.jsonl"
    stats = build_corpus(corpus, args.articles)
    pipeline = Pipeline.load(batch_size=TASK_BATCH)
    articles = [a for a in iter_inputs([str(corpus)]) if not isinstance(a, ReadProblem)]
    texts, _ = block_texts(corpus)
    words = sum(len(t.split()) for t in texts)
    nlp = pipeline.analyser.nlp
    list(pipeline.extract_articles(articles[:50]))  # warm up: caches, lazy imports
    list(nlp.pipe(texts[:200], batch_size=TASK_BATCH))

    def bare() -> None:
        for _doc in nlp.pipe(texts, batch_size=TASK_BATCH):
            pass

    events = []

    def ours() -> None:
        for _article, found in pipeline.extract_articles(articles):
            events.extend(e.to_record() for e in found)

    bare_wall, bare_cpu = timed(bare)
    ours_wall, ours_cpu = timed(ours)
    print(f"corpus: {len(articles):,} articles from {stats.bases} reports; {words:,} words in the blocks spaCy parses")
    print(f"{'':<26}{'articles/s':>12}{'words/s':>10}{'CPU words/s':>13}")
    for label, wall, cpu in (("bare nlp.pipe", bare_wall, bare_cpu), ("eventscope extract", ours_wall, ours_cpu)):
        print(f"{label:<26}{len(articles) / wall:>12.1f}{words / wall:>10,.0f}{words / cpu:>13,.0f}")
    print(f"ratio extract / bare spaCy: {bare_wall / ours_wall:.2f} (wall), {bare_cpu / ours_cpu:.2f} (CPU); "
          f"{len(events):,} events")  # fmt: skip
    if args.profile:
        profile(pipeline, articles)


if __name__ == "__main__":
    main()
