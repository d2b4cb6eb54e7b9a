"""The command line: formats, stdin, batches, and one-line errors for every bad input."""

import json

import pytest
from click.testing import CliRunner

from eventscope.cli import main

REPORT = "Gunmen killed seven villagers in Zamfara state on Sunday, local officials said.\n"


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_text_file_to_jsonl(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT)
    result = invoke("extract", str(tmp_path / "r.txt"), "--published", "2023-06-13", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [event] = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["article_id"] == "r" and event["event_date"] == "2023-06-11"


def test_stdin_table():
    result = invoke("extract", "-", "--published", "2023-06-13", "--format", "table", stdin=REPORT)
    assert result.exit_code == 0 and "Attack" in result.stdout and "Zamfara" in result.stdout


def test_acled_csv(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT)
    out = tmp_path / "events.csv"
    result = invoke("extract", str(tmp_path / "r.txt"), "--published", "2023-06-13", "--format", "acled-csv",
                    "--output", str(out))
    assert result.exit_code == 0
    header, row = out.read_text().splitlines()[:2]
    assert header.split(",")[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    assert len(header.split(",")) == 31 and "Zamfara" in row


def test_batch_skips_bad_lines_and_reports_them(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "a", "text": REPORT, "published": "2023-06-13"}),
        "{broken",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": REPORT, "published": "2023-06-13"}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = invoke("extract", str(batch), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0
    ids = [json.loads(line)["article_id"] for line in out.read_text().splitlines()]
    assert ids == ["a", "c"]
    assert f"{batch}:2" in result.stderr and f"{batch}:3" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "empty"), (b"\x00\x01binary\x00" * 20, "binary")],
)
def test_single_bad_input_is_one_line_and_exit_1(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = invoke("extract", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eventscope: error:") and message in lines[0]
    assert str(path) in lines[0] and "Traceback" not in result.output


def test_bad_published_date_is_a_user_error(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT)
    result = invoke("extract", str(tmp_path / "r.txt"), "--published", "someday")
    assert result.exit_code == 1 and "not a date" in result.stderr


def test_output_into_missing_directory(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT)
    result = invoke("extract", str(tmp_path / "r.txt"), "--output", str(tmp_path / "nope" / "x.jsonl"))
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_every_command_is_documented():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name in main.commands:
        assert f"eventscope {name}" in readme, f"README does not document `eventscope {name}`"
