"""The geoparse and gazetteer commands, through click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventscope.cli import main
from eventscope.geocode.gazetteer import load_gazetteer

DOCS = Path(__file__).parent.parent / "docs" / "geocoding.md"


@pytest.fixture(scope="module")
def gazetteer_path():
    return str(load_gazetteer().path)


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_geoparse_text_file_jsonl(tmp_path, gazetteer_path):
    article = tmp_path / "report.txt"
    article.write_text(
        "Taliban fighters stormed Kunduz on Monday, Afghan officials said.\n", encoding="utf-8"
    )
    out = tmp_path / "places.jsonl"
    result = run(
        "geoparse", str(article), "--format", "jsonl", "--output", str(out), "--gazetteer", gazetteer_path
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["article_id"], r["text"], r["iso3"], r["admin1"]) for r in rows] == [
        ("report", "Kunduz", "AFG", "Kunduz")
    ]


def test_geoparse_stdin_table(gazetteer_path):
    result = run(
        "geoparse",
        "-",
        "--format",
        "table",
        "--gazetteer",
        gazetteer_path,
        input="Clashes in Tripoli, Libya.",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split()[:3] == ["text", "start", "end"]
    assert "LBY" in result.output


def test_geoparse_jsonl_bad_lines_reported_others_kept(tmp_path, gazetteer_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"id": "a", "text": "Protests in Kyiv."}\nnot json\n{"id": "b"}\n'
        '{"id": "c", "text": "Clashes in Goma."}\n',
        encoding="utf-8",
    )
    result = run("geoparse", str(batch), "--format", "jsonl", "--gazetteer", gazetteer_path)
    assert result.exit_code == 1
    ids = [json.loads(line)["article_id"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert ids == ["a", "c"]
    assert "batch.jsonl line 2: not JSON" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["geoparse", "nowhere.txt"], "nowhere.txt: file not found"),
        (["geoparse", "-", "--gazetteer", "missing.sqlite"], "missing.sqlite: gazetteer index not found"),
    ],
)
def test_one_line_errors(args, message):
    result = run(*args, input="Kunduz")
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_empty_and_binary_input(tmp_path, gazetteer_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert "empty input" in run("geoparse", str(empty), "--gazetteer", gazetteer_path).stderr
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    assert "not UTF-8" in run("geoparse", str(binary), "--gazetteer", gazetteer_path).stderr


def test_gazetteer_info(gazetteer_path):
    result = run("gazetteer", "info", "--gazetteer", gazetteer_path)
    assert result.exit_code == 0
    assert "schema: eventscope-gazetteer" in result.output and "places:" in result.output


def test_gazetteer_build_bad_dump(tmp_path):
    cities = tmp_path / "cities500.txt"
    cities.write_text("not\ta\tgeoname\tline\n")
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("AF.24\tKunduz\tKunduz\t1135690\n")
    result = run(
        "gazetteer",
        "build",
        "--cities",
        str(cities),
        "--admin1",
        str(admin1),
        "--output",
        str(tmp_path / "g.sqlite"),
    )
    assert result.exit_code == 1
    assert "cities500.txt line 1: not a GeoNames geoname table line" in result.stderr


@pytest.mark.parametrize("command", ["geoparse", "gazetteer build", "gazetteer info", "EVENTSCOPE_GAZETTEER"])
def test_commands_are_documented(command):
    assert command in DOCS.read_text(encoding="utf-8")


def test_missing_input_leaves_no_output(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("geoparse", str(tmp_path / "missing.txt"), "--output", str(out))
    assert result.exit_code == 1 and not out.exists()
