"""Reading articles: every bad input gets a one-line message naming it; batches lose nothing else."""

import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator

import pytest

from eventscope.errors import InputError
from eventscope.read import (
    PARQUET_BATCH_ROWS,
    HtmlPage,
    ReadProblem,
    _iter_directory,
    count_items,
    iter_inputs,
    materialize,
    parse_published,
    read_single,
    read_stream,
)


def test_text_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("Gunmen killed two people in Kano on Monday.\n")
    [article] = read_single(str(path), dt.date(2021, 1, 4))
    assert article.id == "report" and article.published == dt.date(2021, 1, 4)


def test_missing_empty_binary(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_single(str(tmp_path / "nope.txt"))
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(InputError, match="empty"):
        read_single(str(tmp_path / "empty.txt"))
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    with pytest.raises(InputError, match="binary"):
        read_single(str(tmp_path / "blob.txt"))


def test_latin1_is_decoded(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Des manifestants ont défilé à Bamako, où la police a arrêté cinq étudiants.".encode("latin-1"))
    [article] = read_single(str(path))
    assert "défilé" in article.text


def test_size_limit(tmp_path, monkeypatch):
    import eventscope.read as read

    monkeypatch.setattr(read, "MAX_ARTICLE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    with pytest.raises(InputError, match="limit"):
        read_single(str(path))


def test_jsonl_bad_lines_are_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Rebels attacked a convoy in Goma on Friday.", "published": "2023-01-02"}),
        "{not json",
        json.dumps({"id": "b", "title": "no text"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": "Police arrested ten protesters in Minsk.", "published": None}),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = list(iter_inputs([str(path)]))
    articles = [i for i in items if not isinstance(i, ReadProblem)]
    problems = [i for i in items if isinstance(i, ReadProblem)]
    assert [a.id for a in articles] == ["a", "batch-6"]
    assert [p.origin for p in problems] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "not valid JSON" in problems[0].message and "no 'text'" in problems[1].message


def test_gzipped_jsonl_and_directory(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    with gzip.open(folder / "part.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "z", "text": "Troops shelled a village near Idlib on Monday."}) + "\n")
    (folder / "one.txt").write_text("A bomb exploded in Quetta on Tuesday.")
    ids = [i.id for i in iter_inputs([str(folder)]) if not isinstance(i, ReadProblem)]
    assert ids == ["one", "z"]


def test_html_page(tmp_path):
    page = tmp_path / "page.html"
    body = " ".join(["Gunmen attacked a police station in Kano on Monday, killing two officers."] * 5)
    page.write_text(f"<html><head><title>Kano attack</title>"
                    f'<meta property="article:published_time" content="2021-03-01"></head>'
                    f"<body><article><h1>Kano attack</h1><p>{body}</p></article></body></html>")
    [article] = read_single(str(page))
    assert "police station" in article.text and article.published == dt.date(2021, 3, 1)


def test_published_parsing():
    assert parse_published("2015-09-28T10:00:00Z") == dt.date(2015, 9, 28)
    assert parse_published(None) is None
    with pytest.raises(InputError, match="not a date"):
        parse_published("someday", "x")


# -- streaming: memory must not grow with the corpus -------------------------------------------------


class CountingStream(io.RawIOBase):
    """A byte stream made of lines, counting how many lines have been handed out."""

    def __init__(self, lines: list[bytes]):
        self.lines = lines
        self.served = 0
        self.buffer = b""

    def readable(self):
        return True

    def readinto(self, target):
        while not self.buffer and self.served < len(self.lines):
            self.buffer = self.lines[self.served]
            self.served += 1
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def test_jsonl_on_stdin_streams_line_by_line():
    lines = [json.dumps({"id": f"a{i}", "text": f"Report {i}: police arrested {i} people."}).encode() + b"\n"
             for i in range(5000)]
    stream = CountingStream([b"\n", *lines])
    items = read_stream(io.BufferedReader(stream, buffer_size=4096), "<stdin>")
    assert next(items).id == "a0"
    assert stream.served < len(lines) // 4  # read ahead about 64 KB, not the whole stream
    assert sum(1 for _ in items) == 4999


def test_stdin_single_article_and_size_limit(monkeypatch):
    import eventscope.read as read

    [article] = read_stream(io.BytesIO(b"\n\nGunmen killed two people in Kano."), "<stdin>")
    assert article.text.strip() == "Gunmen killed two people in Kano."
    monkeypatch.setattr(read, "MAX_ARTICLE_BYTES", 100)
    [problem] = read_stream(io.BytesIO(b"word " * 100), "<stdin>")
    assert isinstance(problem, ReadProblem) and "limit" in problem.message


def test_directory_walk_is_in_path_order_and_lazy(tmp_path):
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a.txt", "c/d.html", ".hidden.txt", "a/notes.pdf"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Gunmen killed two people in Kano on Monday.")
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in {".txt", ".html"}
                      and not p.name.startswith("."))
    walk = _iter_directory(tmp_path)
    assert isinstance(walk, Iterator)
    assert list(walk) == expected


def test_parquet_is_read_in_row_batches_with_known_columns(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = 3 * PARQUET_BATCH_ROWS + 5
    table = pa.table({
        "id": [f"p{i}" for i in range(rows)],
        "text": [f"Police arrested {i} protesters in Minsk." if i != 7 else "" for i in range(rows)],
        "published": ["2021-05-01"] * rows,
        "embedding": [[0.5] * 64] * rows,  # a column we do not read
    })
    path = tmp_path / "corpus.parquet"
    pq.write_table(table, path, row_group_size=rows)  # one big row group
    items = list(iter_inputs([str(path)]))
    problems = [i for i in items if isinstance(i, ReadProblem)]
    assert len(items) == rows and [p.origin for p in problems] == [f"{path}:row 8"]
    assert items[0].id == "p0" and items[0].published == dt.date(2021, 5, 1)
    assert count_items([str(path)]) == rows


def test_parquet_without_text_column(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["x"], "body": ["text"]}), path)
    [problem] = iter_inputs([str(path)])
    assert "no 'text' or 'html' column" in problem.message


def test_deferred_html_is_the_same_article(tmp_path):
    body = " ".join(["Gunmen attacked a police station in Kano on Monday, killing two officers."] * 5)
    html = f"<html><head><title>Kano</title></head><body><article><p>{body}</p></article></body></html>"
    (tmp_path / "page.html").write_text(html)
    (tmp_path / "batch.jsonl").write_text(json.dumps({"html": html, "url": "https://x.example/k"}) + "\n"
                                          + json.dumps({"html": "<html><body></body></html>"}) + "\n")
    eager = list(iter_inputs([str(tmp_path)]))
    deferred = list(iter_inputs([str(tmp_path)], defer_html=True))
    assert all(isinstance(i, HtmlPage) for i in deferred)
    assert [materialize(i) for i in deferred] == eager
    assert isinstance(eager[1], ReadProblem) and eager[1].origin.endswith("batch.jsonl:2")


def test_count_items(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n{"text": "y"}\n{"text": "z"}')
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as fh:
        fh.write('{"text": "x"}\n{"text": "y"}\n')
    (tmp_path / "c.txt").write_text("text")
    assert count_items([str(tmp_path)]) == 6
    assert count_items([str(tmp_path / "a.jsonl"), "-"]) is None
