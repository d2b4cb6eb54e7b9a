"""Load the data files under eventscope/data (rules, lexicons): validated, with file and line on error."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eventscope.errors import RuleFileError


def data_path(relative: str) -> Path:
    """The path of a packaged data file, e.g. data_path('rules/triggers.yaml')."""
    return Path(str(resources.files("eventscope").joinpath("data", relative)))


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    keys = [loader.construct_object(k, deep=True) for k, _ in node.value]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise RuleFileError(f"line {node.start_mark.line + 1}: duplicate key(s) {sorted(duplicates)}")
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path | str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A YAML rule file as a dict; every mapping carries '__line__'; it must have a 'version'."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - our SafeLoader subclass
    except RuleFileError as exc:
        raise RuleFileError(f"{name} {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RuleFileError(f"{name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise RuleFileError(f"{name}: the file must be a mapping with a 'version' key")
    for key in ("version", *required):
        if key not in data:
            raise RuleFileError(f"{name}: missing top-level key '{key}'")
    return data


def load_csv(path: Path | str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """A CSV data file as (line number, row) pairs; '#' lines are comments; columns are checked."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    lines = [
        (n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise RuleFileError(f"{path.name}: the file has no header row")
    header = next(csv.reader([lines[0][1]]))
    missing = [c for c in required if c not in header]
    if missing:
        raise RuleFileError(f"{path.name} line {lines[0][0]}: missing column(s) {missing}")
    rows = []
    for number, line in lines[1:]:
        values = next(csv.reader(io.StringIO(line)))
        if len(values) != len(header):
            raise RuleFileError(f"{path.name} line {number}: {len(values)} fields, expected {len(header)}")
        row = dict(zip(header, values, strict=True))
        for key, value in row.items():
            if value != value.strip():
                raise RuleFileError(f"{path.name} line {number}: stray spaces in column '{key}'")
        rows.append((number, row))
    return rows


@functools.cache
def packaged_yaml(relative: str) -> dict[str, Any]:
    """A packaged YAML rule file, loaded once per process."""
    return load_yaml(data_path(relative))
