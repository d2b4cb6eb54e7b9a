"""Progress: a bar on a terminal, plain lines off one, nothing with --quiet; a summary at the end."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from eventscope.cli import main
from eventscope.cli_progress import Progress
from scale_corpus import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", copies=1)


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_off_a_terminal_progress_is_plain_lines_and_a_summary(corpus, tmp_path):
    result = invoke("extract", str(corpus), "--format", "jsonl", "--output", str(tmp_path / "out.jsonl"),
                    env={"EVENTSCOPE_PROGRESS_SECONDS": "0"})  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "\r" not in result.stderr and "\x1b" not in result.stderr  # no bar, no terminal codes
    progress = [line for line in lines if "articles/s" in line]
    assert len(progress) >= 10 and "of about 20 articles" in progress[-1]
    events = sum(1 for _ in (tmp_path / "out.jsonl").open())
    summary = [line for line in lines if line.startswith("eventscope: 18 articles")]
    assert summary == [f"eventscope: 18 articles, {events} events, 2 skipped in 0:00:0{summary[0][-1]}"]
    assert sum(line.startswith("eventscope: skipped ") for line in lines) == 2


def test_quiet_prints_only_the_skipped_inputs(corpus, tmp_path):
    result = invoke("-q", "extract", str(corpus), "--format", "parquet", "--output", str(tmp_path / "events"),
                    env={"EVENTSCOPE_PROGRESS_SECONDS": "0"})  # fmt: skip
    assert result.exit_code == 0
    assert [line[:len("eventscope: skipped ")] for line in result.stderr.splitlines()] == ["eventscope: skipped "] * 2


def test_parquet_summary_names_partitions(corpus, tmp_path):
    result = invoke("extract", str(corpus), "--format", "parquet", "--output", str(tmp_path / "events"),
                    "--partition-size", "8")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "18 articles" in result.stderr and "in 3 partitions of" in result.stderr
    again = invoke("extract", str(corpus), "--format", "parquet", "--output", str(tmp_path / "events"),
                   "--partition-size", "8")  # fmt: skip
    assert "resumed after 3 partitions written before" in again.stderr
    assert "18 articles" in again.stderr


def test_ingest_summary(corpus, tmp_path):
    db = str(tmp_path / "store.db")
    result = invoke("ingest", str(corpus), "--db", db, env={"EVENTSCOPE_PROGRESS_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    assert "18 articles added (0 already stored)" in result.stderr and ", 2 skipped in 0:00:" in result.stderr
    assert "of about 20 articles (100%)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "parquet"], "Parquet output is a directory of partitions: give --output DIR"),
        (["--format", "json", "--output", "DIR/"], "--format json cannot be partitioned"),
        (["--dask", "nonsense"], "not a Dask scheduler address"),
        (["--dask", "tcp://127.0.0.1:8786", "--workers", "2"], "sets the size of a local cluster"),
    ],
)
def test_bad_options_are_one_line(corpus, tmp_path, args, message):
    args = [a.replace("DIR", str(tmp_path / "d")) for a in args]
    result = invoke("extract", str(corpus), *args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"eventscope: error: {result.stderr.split('error: ')[1].strip()}"]
    assert message in result.stderr


def test_the_bar_on_a_terminal():
    stream = io.StringIO()
    progress = Progress("bar", stream=stream, initial=10, initial_events=4)
    for _ in range(5):
        progress.advance(1, 2)
    progress.close()
    assert "eventscope" in stream.getvalue() and "15 articles" in stream.getvalue()
    assert "14 events" in stream.getvalue()


def test_a_log_line_tells_the_eta(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"text": "x"}) for _ in range(100)) + "\n")
    progress = Progress("log", [str(path)])
    progress._counted.append(100)  # as the counting thread would, without waiting for it
    progress.advance(25, 3)
    assert progress.line().startswith("25 of about 100 articles (25%), 3 events, ")
    assert ", ETA 0:" in progress.line()
