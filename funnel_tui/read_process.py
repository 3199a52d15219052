"""A large import's file read and checked in a process of its own, a batch ahead of the
database writes.

Reading a row (its cells cleaned, its phone number read) costs about as much CPU as
storing it. In a thread beside the writing one the two took turns at the interpreter, so
an import ran no faster than reading and writing one after the other. In a process of its
own the reading runs on another core. It is a fresh interpreter (`python -m
funnel_tui.read_process FD`): forking the app or the command line, which run threads of
their own, could copy a lock another thread held. It is handed the reader pickled on its
stdin and sends back pickled messages on a pipe of their own (FD: not its stdout, where
anything the interpreter's start-up prints would land): each batch, the lines read so
far, and at the end the file's account (or the error that stopped it). The pipe's buffer
holds less than a batch, so the reading process stays about a batch ahead and an
import's memory stays bounded as before.

Starting the process costs a fresh interpreter and the reading modules' imports, which a
small file would not win back: the caller reads small files in a thread (`read_ahead`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from funnel_tui.import_rows import Progress, ProspectReader

B = TypeVar("B")
# Makes batches of B of a file's rows (each with its line), as they are read.
Batcher = Callable[[Iterator[tuple[int, dict[str, object]]]], Iterable[B]]

# What the reading process sends, first in each message.
BATCH, PROGRESS, END, FAILED = "batch", "progress", "end", "failed"
# How long closing waits for the reading process to end before it is killed.
END_WAIT_S = 5.0
# The folder this package was imported from: the reading process imports the same one.
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


class ReadingFailed(Exception):
    """The reading process ended without saying why (killed, out of memory), sent what
    could not be read back, or met an error that could not be sent back as it was;
    str() is one line."""


def read_in_process(
    reader: ProspectReader, batcher: Batcher[B], progress: Progress | None = None
) -> Iterator[B]:
    """The batches `batcher` makes of `reader`'s rows, read in a process of its own.

    An exception that ends the reading (CsvUnreadable: the file changed, or cannot be read
    to its end) is raised here, in place of the next batch. Once every batch has been
    handed over, `reader.file` is the reading process's: the rejected lines and what was
    set aside, for the whole file. `progress` is told the lines read as the process reads
    them. Stopping early (an exception, `close()`) ends the process.
    """
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")])),
    }
    receiving, sending = os.pipe()
    # -P: the current folder, which may hold another copy of the package, is not searched.
    # Its stdout and stderr go nowhere: the app's screen is on the terminal, and the
    # process sends its errors back instead.
    try:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "funnel_tui.read_process", str(sending)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            pass_fds=(sending,),
        )
    finally:
        # The reading process holds the sending end now: with this one closed, a process
        # that dies leaves the pipe at its end instead of open for ever.
        os.close(sending)
    messages = os.fdopen(receiving, "rb")
    assert process.stdin is not None
    try:
        try:
            with process.stdin as job:
                pickle.dump((reader, batcher, progress is not None), job, pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            # It ended before it had read its job (a wide header makes a job larger than
            # the pipe's buffer).
            raise ReadingFailed(_ended(process.wait())) from None
        while True:
            try:
                kind, payload = pickle.load(messages)
            except EOFError:
                raise ReadingFailed(_ended(process.wait())) from None
            except Exception as error:  # a message cut short or garbled: the process died
                raise ReadingFailed(f"{_ended(process.wait())}: {error}") from None
            if kind == BATCH:
                yield payload
            elif kind == PROGRESS:
                if progress is not None:
                    progress(*payload)
            elif kind == END:
                reader.file = payload
                return
            else:
                raise payload
    finally:
        # A process still sending finds the pipe closed, and ends.
        messages.close()
        try:
            process.wait(END_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ended(exit_code: int) -> str:
    return f"the process reading the file stopped (exit code {exit_code}): nothing imported"


def main() -> None:
    """The reading process: the job from stdin, each message to the pipe it was given."""
    # ctrl+c reaches the whole process group: the importing side decides, and this
    # process ends when that side stops reading.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    messages = os.fdopen(int(sys.argv[1]), "wb")
    reader, batcher, with_progress = pickle.load(sys.stdin.buffer)
    try:
        _read_and_send(messages, reader, batcher, with_progress)
    finally:
        with contextlib.suppress(OSError):
            messages.close()


def _read_and_send(
    messages: IO[bytes], reader: ProspectReader, batcher: Batcher[Any], with_progress: bool
) -> None:
    """Every batch, then the file's account; or the error that stopped the reading."""

    def send(kind: str, payload: object) -> None:
        pickle.dump((kind, payload), messages, pickle.HIGHEST_PROTOCOL)
        messages.flush()

    def progress(line: int, last_line: int) -> None:
        send(PROGRESS, (line, last_line))

    try:
        for batch in batcher(reader.rows(progress if with_progress else None)):
            send(BATCH, batch)
        send(END, reader.file)
    except (BrokenPipeError, ConnectionResetError):
        return  # the importing side stopped reading: nobody to tell
    except Exception as error:  # sent to the importing side, which raises it
        _send_error(send, error)


def _send_error(send: Callable[[str, object], None], error: Exception) -> None:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = ReadingFailed(f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError):
        send(FAILED, error)


if __name__ == "__main__":
    main()
