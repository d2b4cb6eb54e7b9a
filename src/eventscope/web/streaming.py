"""The export writers' output as a stream of byte chunks, produced while the writer writes.

The writers (eventscope.export) write to a file; here a writer thread writes into a bounded queue that
the response drains, so memory stays flat however many events match, and a client that goes away
stops the writer at its next write.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 16
_DONE = object()


class Cancelled(Exception):
    """The reader went away: the writer stops."""


class _QueueSink(io.RawIOBase):
    """A write-only binary file whose writes go to a queue, in chunks of CHUNK_BYTES."""

    def __init__(self, chunks: queue.Queue, cancelled: threading.Event):
        super().__init__()
        self._chunks = chunks
        self._cancelled = cancelled
        self._buffer = bytearray()
        self._written = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._written

    def write(self, data) -> int:  # noqa: ANN001 - bytes-like, as io.RawIOBase
        size = len(data)
        self._buffer += data
        self._written += size
        if len(self._buffer) >= CHUNK_BYTES:
            self.flush_chunk()
        return size

    def flush_chunk(self) -> None:
        if self._buffer:
            self._put(bytes(self._buffer))
            self._buffer.clear()

    def _put(self, item: object) -> None:
        while True:
            if self._cancelled.is_set():
                raise Cancelled
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def stream_writer(write: Callable[[BinaryIO], object], text: bool) -> Iterator[bytes]:
    """Run `write(file)` in a thread and yield what it writes; text writers get a UTF-8 text file."""
    chunks: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
    cancelled = threading.Event()
    sink = _QueueSink(chunks, cancelled)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            if text:
                wrapper = io.TextIOWrapper(sink, encoding="utf-8", newline="\n", write_through=True)  # type: ignore[arg-type]
                write(wrapper)  # type: ignore[arg-type]
                wrapper.flush()
                wrapper.detach()
            else:
                write(sink)  # type: ignore[arg-type]
            sink.flush_chunk()
        except Cancelled:
            return
        except BaseException as error:  # reported to the reader, which re-raises it
            failure.append(error)
        try:
            sink._put(_DONE)
        except Cancelled:
            return

    thread = threading.Thread(target=run, name="eventscope-export", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                break
            yield item
        if failure:
            raise failure[0]
    finally:
        cancelled.set()
        thread.join(timeout=5)
