"""A small time-limited cache for aggregates: many dashboards asking for the same stats share one query."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ResponseCache:
    """Values by key for `seconds` (0: no caching), at most `size` of them, safe across threads.

    Requests that miss the same key at once wait for the first one's query instead of each running it.
    """

    def __init__(self, seconds: float, size: int = 256, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value of `key`, or compute(), stored for next time."""
        if self.seconds <= 0:
            return compute()
        while True:
            with self._lock:
                hit = self._items.get(key)
                if hit is not None and hit[0] > self.clock():
                    self._items.move_to_end(key)
                    return hit[1]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    break
            # Another thread is computing this key: wait for it, then read its value (or compute, if it failed).
            running.wait()
        try:
            value = compute()
            with self._lock:
                self._items[key] = (self.clock() + self.seconds, value)
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._running.pop(key).set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
