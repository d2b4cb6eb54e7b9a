"""The store commands: ingest (with a stand-in pipeline), events, explain, export; errors are one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from event_factory import make_article
from eventscope import ingest as ingest_module
from eventscope.cli import main
from eventscope.store import open_store
from merge_corpus import corpus_records


@pytest.fixture
def db(tmp_path):
    """A SQLite store holding the merged cluster corpus."""
    path = tmp_path / "store.db"
    records, _ = corpus_records()
    with open_store(str(path)) as store:
        grouped: dict[str, list] = {}
        for record in records:
            grouped.setdefault(record["article_id"], []).append(record)
        store.add_articles_and_mentions((make_article(a), rs) for a, rs in sorted(grouped.items()))
    return str(path)


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_events_lists_and_filters(db):
    result = run("events", "--db", db, "--country", "AFG", "--format", "jsonl")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 3 and {r["iso3"] for r in rows} == {"AFG"}
    table = run("events", "--db", db, "--format", "table", "--limit", "2")
    assert table.output.startswith("EVENT_ID") and "of" in table.output.splitlines()[-1]


def test_events_reads_the_environment_default(db):
    result = run("events", "--format", "jsonl", "--since", "2023-06-01", env={"EVENTSCOPE_DB": db})
    assert result.exit_code == 0 and len(result.output.splitlines()) == 7


def test_explain_text_and_json(db):
    (row,) = [json.loads(x) for x in run("events", "--db", db, "--type", "Non-state actor overtakes territory",
                                          "--country", "AFG", "--format", "jsonl").output.splitlines()]  # fmt: skip
    text = run("explain", row["event_id"], "--db", db)
    assert text.exit_code == 0
    assert "Why they are one event" in text.output and "Nearby reports not merged" in text.output
    assert 'fatalities: "27"' in text.output  # evidence quoted
    data = json.loads(run("explain", row["event_id"], "--db", db, "--json").output)
    assert len(data["members"]) == 4 and all(link["linked"] for link in data["links"])


def test_explain_unknown_event(db):
    result = run("explain", "AFG-nothing", "--db", db)
    assert result.exit_code == 1
    assert result.output.strip().startswith("eventscope: error: no event 'AFG-nothing'")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "acled-csv", "parquet"])
def test_export_every_format(db, tmp_path, fmt):
    out = tmp_path / f"events.{fmt}"
    result = run("export", "--db", db, "--format", fmt, "--output", str(out), "--country", "NGA")
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and "3 events written" in result.output  # the massacre (split), the clash


def test_export_filters(db, tmp_path):
    out = tmp_path / "ukraine.jsonl"
    result = run("export", "--db", db, "--format", "jsonl", "-o", str(out), "--bbox", "22,44,41,53",
                 "--since", "2022-03-01", "--until", "2022-03-01", "--type", "Explosions/Remote violence")  # fmt: skip
    assert result.exit_code == 0
    (row,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert row["location"] == "Kharkiv" and len(row["article_ids"]) == 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["events", "--db", "mysql://root@localhost/x"], 1, "eventscope: error: unsupported database 'mysql'"),
        (["events", "--db", "postgresql://u@127.0.0.1:1/x"], 1, "eventscope: error: cannot reach"),
        (["events", "--db", "/no/such/dir/x.db"], 1, "eventscope: error: cannot create /no/such/dir/x.db"),
        (["events", "--since", "2020-13-01"], 2, "is not a date"),
        (["export", "--format", "jsonl", "-o", "x", "--bbox", "1,2,3"], 2, "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"),
        (["events", "--since", "2020-02-01", "--until", "2020-01-01"], 1, "is after --until"),
    ],
)
def test_errors_are_one_line(db, args, code, message):
    result = CliRunner().invoke(main, args, env={"EVENTSCOPE_DB": db})
    assert result.exit_code == code
    assert message in result.output
    if code == 1:
        assert len(result.output.strip().splitlines()) == 1


class CorpusPipeline:
    """Stands in for eventscope.api.Pipeline: the corpus records of each article, by article id."""

    def __init__(self):
        records, _ = corpus_records()
        self.by_article: dict[str, list] = {}
        for record in records:
            self.by_article.setdefault(record["article_id"], []).append(record)
        self.seen: list[str] = []

    def extract_articles(self, articles):
        for article in articles:
            self.seen.append(article.id)
            yield article, self.by_article.get(article.id, [])


def test_ingest_reads_skips_duplicates_and_merges(tmp_path, monkeypatch):
    pipeline = CorpusPipeline()
    lines = [
        json.dumps({"id": a, "text": f"Report {a}: text.", "published": "2020-01-01"}) for a in pipeline.by_article
    ]
    half = len(lines) // 2
    (tmp_path / "first.jsonl").write_text("\n".join(lines[:half]) + "\n")
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\nnot json\n")
    monkeypatch.setattr(ingest_module, "load_default_pipeline", lambda: pipeline)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(db) as store:
        first = ingest_module.ingest([str(tmp_path / "first.jsonl")], store, pipeline=lambda: pipeline)
        assert first.articles_added == half and not first.problems
        second = ingest_module.ingest([str(tmp_path / "all.jsonl")], store, pipeline=pipeline)
        assert (second.articles_added, second.articles_duplicate) == (len(lines) - half, half)
        assert len(second.problems) == 1 and second.problems[0][0].endswith(f"all.jsonl:{len(lines) + 1}")
        assert len(pipeline.seen) == len(lines)  # stored articles were never extracted again
        assert store.counts()["unmerged"] == 0
        third = ingest_module.ingest([str(tmp_path / "all.jsonl")], store, pipeline=lambda: pytest.fail("loaded"))
        assert third.articles_added == 0


def test_store_commands_are_documented():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "store.md").read_text()
    for command in ("ingest", "events", "explain", "export"):
        assert f"eventscope {command} " in docs
        assert command in main.commands
    for option in ("--db", "--country", "--since", "--until", "--type", "--bbox", "--merge-every", "EVENTSCOPE_DB"):
        assert option in docs
