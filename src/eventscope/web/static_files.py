"""Where the dashboard's files are: package data under eventscope/web/static/."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

STATIC = Path(str(files("eventscope.web") / "static"))
