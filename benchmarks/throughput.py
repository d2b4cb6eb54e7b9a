"""Throughput of a long extract run: bare spaCy, our extract with 1 and 2 workers, Dask with 1 and 2.

    python benchmarks/throughput.py                    # 10,000 articles (about half an hour on 2 cores)
    python benchmarks/throughput.py --articles 2000 --no-dask

The corpus is built at run time (benchmarks/corpus.py).  Every figure comes from a fresh process:
  - bare nlp.pipe: the same spaCy pipeline (eventscope's load_nlp, sentence guard included), the same
    batch size, over exactly the texts extract parses (the prose blocks of every article); words/s;
  - extract with 1 worker (this process) and 2 worker processes, into Parquet partitions as
    `eventscope extract corpus.jsonl --format parquet --output DIR --workers N` writes them: words/s
    (the same words as bare spaCy), articles/s, the ratio to bare spaCy (per worker), peak memory of
    each worker, and the articles a day this machine would do;
  - Dask LocalCluster with 1 and 2 workers: the same, plus the scaling efficiency (rate with 2 workers
    / twice the rate with 1) and whether its events are identical to the single-process run's.
Timing starts once the workers have loaded the pipeline.  The machine's load average is printed
before and after: other work on it lowers every figure, the 2-worker ones most.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_corpus  # noqa: E402

TASK_BATCH = 64


def _peak_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def block_texts(corpus: Path) -> tuple[list[str], int]:
    """The texts extract gives spaCy (prose blocks of every article), and the article count."""
    from eventscope.nlp.analyse import MAX_BLOCK_CHARS, PARSED_KINDS, Analyser
    from eventscope.read import ReadProblem, iter_inputs

    analyser = Analyser()
    texts, articles = [], 0
    for article in iter_inputs([str(corpus)]):
        if isinstance(article, ReadProblem):
            continue
        articles += 1
        cleaned = analyser.clean(article)
        texts += [article.text[b.start : b.end][:MAX_BLOCK_CHARS] for b in cleaned.blocks if b.kind in PARSED_KINDS]
    return texts, articles


def child_bare(corpus: Path, _out: Path) -> dict:
    from eventscope.nlp.analyse import load_nlp

    nlp = load_nlp()
    texts, articles = block_texts(corpus)
    list(nlp.pipe(texts[:200], batch_size=TASK_BATCH))  # warm up
    started, cpu = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(texts, batch_size=TASK_BATCH):
        pass
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    words = sum(len(t.split()) for t in texts)
    return {"seconds": seconds, "cpu": cpu, "words": words, "articles": articles, "peak_kb": {"main": _peak_kb()}}


def _run_partitions(corpus: Path, out: Path, runner) -> dict:
    from eventscope.batch import RunStats
    from eventscope.export.partitions import PartitionedOutput
    from eventscope.run import RunSummary, extract_partitions

    output = PartitionedOutput.open(out, "parquet", 1000, {"inputs": [str(corpus)], "published": None})
    summary = RunSummary(stats=RunStats())
    started = time.perf_counter()
    extract_partitions([str(corpus)], output, runner, summary=summary)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles": summary.articles, "events": summary.events,
            "cpu": summary.stats.cpu_seconds, "peak_kb": summary.stats.peak_rss_kb,
            "driver_kb": _peak_kb()}  # fmt: skip


def child_extract(corpus: Path, out: Path, workers: int) -> dict:
    from eventscope.batch import Settings, open_runner
    from eventscope.models import Article

    runner = open_runner(workers, Settings())
    try:
        # Warm up: every worker loads the pipeline before the clock starts.
        warm = [runner.submit([Article(f"w{i}", "Police arrested ten people in Minsk on Monday.")])
                for i in range(4 * workers)]  # fmt: skip
        for future in warm:
            future.result()
        return _run_partitions(corpus, out, runner)
    finally:
        runner.close()


def child_dask(corpus: Path, out: Path, workers: int) -> dict:
    from eventscope.batch import Settings
    from eventscope.scale import open_dask_runner

    runner = open_dask_runner("local", workers, Settings())  # its plugin loads the pipeline on each worker
    try:
        result = _run_partitions(corpus, out, runner)
        result["peak_kb"] = runner.worker_peak_rss_kb()
        return result
    finally:
        runner.close()


def run_child(kind: str, corpus: Path, out: Path, workers: int = 1) -> dict:
    command = [sys.executable, __file__, "--child", kind, str(corpus), str(out), str(workers)]
    print(f"  running {kind} with {workers} worker(s) ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_events(a: Path, b: Path) -> bool:
    from eventscope.export.partitions import read_partitions

    return read_partitions(a) == read_partitions(b)


def report(args: argparse.Namespace) -> None:
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eventscope-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.jsonl"
    stats = build_corpus(corpus, args.articles)
    load_before = os.getloadavg()
    print(f"corpus: {stats.articles:,} articles from {stats.bases} reports, {stats.words:,} words "
          f"({stats.words / stats.articles:.0f} an article); cores: {os.cpu_count()}; "
          f"load average before: {load_before[0]:.2f}")  # fmt: skip
    bare = run_child("bare", corpus, work / "none")
    words = bare["words"]
    bare_rate = words / bare["seconds"]
    runs = {}
    for workers in (1, 2):
        runs[("extract", workers)] = run_child("extract", corpus, work / f"extract-{workers}", workers)
    if not args.no_dask:
        for workers in (1, 2):
            runs[("dask", workers)] = run_child("dask", corpus, work / f"dask-{workers}", workers)
    load_after = os.getloadavg()

    bare_cpu_rate = words / bare["cpu"]
    print(f"\nbare nlp.pipe (same pipeline, same texts: {words:,} words in the parsed blocks): "
          f"{bare_rate:,.0f} words/s ({bare_cpu_rate:,.0f} per CPU-second), "
          f"peak memory {bare['peak_kb']['main'] / 1024:.0f} MB")  # fmt: skip
    print(f"\n{'run':<14}{'words/s':>9}{'articles/s':>12}{'ratio to bare':>15}{'peak MB/worker':>16}"
          f"{'articles/day':>14}{'same events':>13}{'CPU ratio':>11}{'workers busy':>14}")  # fmt: skip
    reference = work / "extract-1"
    for (kind, workers), result in runs.items():
        rate = words / result["seconds"]
        peak = max(result["peak_kb"].values()) / 1024
        is_reference = (kind, workers) == ("extract", 1)
        same = "yes" if is_reference or same_events(reference, work / f"{kind}-{workers}") else "NO"
        cpu_ratio = (words / result["cpu"]) / bare_cpu_rate
        busy = result["cpu"] / (result["seconds"] * workers)
        per_second = result["articles"] / result["seconds"]
        print(f"{kind + ' x' + str(workers):<14}{rate:>9,.0f}{per_second:>12.1f}{rate / (bare_rate * workers):>15.2f}"
              f"{peak:>16.0f}{per_second * 86400:>14,.0f}{same:>13}{cpu_ratio:>11.2f}{busy:>14.0%}")  # fmt: skip
    print("\nratio to bare: our words/s over bare spaCy's words/s on one core, times the workers (wall clock);\n"
          "CPU ratio: the same per CPU-second of the workers' extraction (what other work on the machine\n"
          "does not change); workers busy: their CPU time over the run's wall time, per worker.")
    for kind in ("extract", "dask"):
        if (kind, 2) in runs:
            one, two = runs[(kind, 1)]["seconds"], runs[(kind, 2)]["seconds"]
            print(f"{kind}: scaling efficiency 1 -> 2 workers: {one / (2 * two):.2f} (speed-up {one / two:.2f}x)")
    best = max(runs.values(), key=lambda r: r["articles"] / r["seconds"])
    print(f"this machine: about {best['articles'] / best['seconds'] * 86400:,.0f} articles a day "
          f"({stats.words / stats.articles:.0f}-word articles)")  # fmt: skip
    print(f"events: {runs[('extract', 1)]['events']:,}; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f} (2 cores)")  # fmt: skip
    if args.keep:
        print(f"kept: {work}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (default 10,000)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster runs")
    parser.add_argument("--keep", metavar="DIR", help="build the corpus and outputs here and keep them")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "CORPUS", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, out, workers = args.child
        if kind == "bare":
            result = child_bare(Path(corpus), Path(out))
        elif kind == "extract":
            result = child_extract(Path(corpus), Path(out), int(workers))
        else:
            result = child_dask(Path(corpus), Path(out), int(workers))
        print(json.dumps(result))
        return
    report(args)


if __name__ == "__main__":
    main()
