"""Write command output atomically: a reader never sees a half-written file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from eventscope.errors import EventscopeError


@contextlib.contextmanager
def open_output(path: str | None, binary: bool = False) -> Iterator[IO]:
    """stdout for None or '-', else a temporary file renamed over `path` only when writing succeeds."""
    if path in (None, "-"):
        yield sys.stdout.buffer if binary else sys.stdout
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise EventscopeError(f"{path}: the directory {directory} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise EventscopeError(f"{path}: cannot write there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8", newline=None) as handle:
            yield handle
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise EventscopeError(f"{path}: writing failed ({exc.strerror or exc}); nothing was written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
