"""Prints the peak memory (KiB) of a process that opens the app on a database until the
queue is shown: `python bench/probe_rss.py DB NOW SCRIPTS_DIR`."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from generate import Book
from harness import peak_rss_kib
from measure_app import running_app


async def load(book: Book, scripts_dir: Path) -> None:
    async with running_app(book, scripts_dir) as session:
        await session.queue_shown
        await session.settle()


def main() -> None:
    path, now, scripts_dir = sys.argv[1:]
    book = Book(Path(path), datetime.fromisoformat(now), 0, 0, 0, 0, 0.0)
    asyncio.run(load(book, Path(scripts_dir)))
    sys.stdout.write(f"{peak_rss_kib()}\n")


if __name__ == "__main__":
    main()
