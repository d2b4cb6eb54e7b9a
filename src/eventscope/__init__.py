"""eventscope: news reports of political violence in, ACLED-coded events with evidence out."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Pipeline", "__version__", "extract"]


def __getattr__(name: str) -> Any:
    # Loading spaCy takes seconds: import the API only when it is used, not for `eventscope --help`.
    if name in ("extract", "Pipeline"):
        from eventscope import api

        return getattr(api, name)
    raise AttributeError(f"module 'eventscope' has no attribute {name!r}")
