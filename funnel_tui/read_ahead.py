"""Iterating in a thread of its own, a few items ahead of the consumer.

An import reads and checks the file's next batch of rows while the database thread
writes the last one; the queue between them is short, so memory stays bounded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
# How long the reading thread waits at a full queue before it looks whether the consumer
# has gone.
PUT_WAIT_S = 0.1


class _End:
    """Put after the last item, with the exception that ended the iteration, if any."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def read_ahead(items: Iterable[T], *, ahead: int, name: str = "read-ahead") -> Iterator[T]:
    """`items`, iterated by a daemon thread at most `ahead` items in advance.

    An exception the iteration raises is raised here, in its place. When the consumer
    stops early (an exception, or `close()` of this generator), the thread stops at the
    next item.
    """
    handed: queue.Queue[T | _End] = queue.Queue(maxsize=ahead)
    stopped = threading.Event()

    def put(item: T | _End) -> bool:
        while not stopped.is_set():
            try:
                handed.put(item, timeout=PUT_WAIT_S)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put(_End(error))
        else:
            put(_End())

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        while not isinstance(item := handed.get(), _End):
            yield item
        if item.error is not None:
            raise item.error
    finally:
        stopped.set()
        thread.join()
