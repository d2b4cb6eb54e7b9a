"""Reading articles: every bad input gets a one-line message naming it; batches lose nothing else."""

import datetime as dt
import gzip
import json

import pytest

from eventscope.errors import InputError
from eventscope.read import ReadProblem, iter_inputs, parse_published, read_single


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
