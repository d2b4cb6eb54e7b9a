"""Progress of long CLI runs: a bar on a terminal, a plain line now and then otherwise, and the summary.

The bar (tqdm) shows articles done, events, the rate and, once the inputs are counted, the ETA.  Off a
terminal (a log file, a batch job) a line is written every EVENTSCOPE_PROGRESS_SECONDS seconds
(default 30) instead; with --quiet nothing is.  The inputs are counted in a background thread so the
run starts at once (read.count_items).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Iterable
from typing import TextIO

import click

from eventscope.read import count_items

DEFAULT_INTERVAL = 30.0


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("EVENTSCOPE_PROGRESS_SECONDS", DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def _duration(seconds: float) -> str:
    return str(dt.timedelta(seconds=round(seconds)))


class Progress:
    """Counts items (articles and skipped records) and events; draws a bar or logs lines (see module)."""

    def __init__(
        self,
        mode: str,
        inputs: Iterable[str] = (),
        *,
        initial: int = 0,
        initial_events: int = 0,
        stream: TextIO | None = None,
    ) -> None:
        self.mode = mode  # "bar", "log" or "off"
        self.items = initial
        self.events = initial_events
        self._initial = initial
        self._stream = stream or sys.stderr
        self._total: int | None = None
        self._counted: list[int | None] = []
        self._started = time.monotonic()
        self._last_log = self._started
        self._interval = _interval()
        self._bar = None
        if mode == "off":
            return
        names = list(inputs)
        if names:
            threading.Thread(target=self._count, args=(names,), daemon=True, name="eventscope-count").start()
        if mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(
                total=None, initial=initial, unit=" articles", desc="eventscope", file=self._stream,
                dynamic_ncols=True, smoothing=0.1, mininterval=0.25,
            )  # fmt: skip
            self._bar.set_postfix_str(f"{initial_events:,} events", refresh=False)

    @classmethod
    def for_cli(cls, quiet: bool, inputs: Iterable[str] = (), **kwargs: int) -> Progress:
        """A bar on a terminal, log lines elsewhere, nothing with --quiet."""
        mode = "off" if quiet else "bar" if sys.stderr.isatty() else "log"
        return cls(mode, inputs, **kwargs)

    def _count(self, names: list[str]) -> None:
        self._counted.append(count_items(names))

    def advance(self, items: int = 1, events: int = 0) -> None:
        self.items += items
        self.events += events
        if self.mode == "off":
            return
        if self._counted and self._total is None and self._counted[0] is not None:
            self._total = max(self._counted[0], self.items)
            if self._bar is not None:
                self._bar.total = self._total
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.events:,} events", refresh=False)
            self._bar.update(items)
            return
        now = time.monotonic()
        if now - self._last_log >= self._interval:
            self._last_log = now
            click.echo(f"eventscope: {self.line()}", err=True)

    def line(self) -> str:
        """'1,200 of about 10,000 articles (12%), 3,400 events, 25.1 articles/s, ETA 0:05:51'."""
        elapsed = time.monotonic() - self._started
        rate = (self.items - self._initial) / elapsed if elapsed > 0 else 0.0
        text = f"{self.items:,} articles"
        if self._total:
            text = f"{self.items:,} of about {self._total:,} articles ({100 * self.items / self._total:.0f}%)"
        text += f", {self.events:,} events, {rate:.1f} articles/s"
        if self._total and rate > 0 and self._total > self.items:
            text += f", ETA {_duration((self._total - self.items) / rate)}"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def echo_summary(
    what: str, seconds: float, problems: list[tuple[str, str]], quiet: bool, resumed: int = 0
) -> None:
    """The closing lines of a run: what was done, in how long, and every skipped input with its reason."""
    if not quiet:
        extra = f"; resumed after {resumed} partitions written before" if resumed else ""
        skipped = f", {len(problems)} skipped" if problems else ""
        click.echo(f"eventscope: {what}{skipped} in {_duration(seconds)}{extra}", err=True)
    for origin, message in problems:
        click.echo(f"eventscope: skipped {origin}: {message}", err=True)
