"""Run a parser in a worker process with a time and a memory budget, and stop it when it runs over.

A file can be small and still cost minutes and gigabytes to parse (a 700 KB docx holding 190 MB of
XML; PDFs and HTML have their own ways). A thread cannot be stopped, so the parsers of those formats
run in a process: the caller waits at most `seconds`, watches the worker's resident memory, and kills
it at either limit, which the file's ingest reports as an `IngestError`. Workers are forked from a
`forkserver` started once with the loaders imported, so a parse costs a fork, never the parent's
threads or locks (the server runs an embedding worker and a thread pool beside it).
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from ingest.errors import IngestError

T = TypeVar("T")
_POLL_S = 0.05  # how often the memory is read while waiting
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class ParseBudget:
    """What one file's parse may take: wall-clock seconds and resident memory (OCR included)."""

    seconds: float = 120.0  # OCR adds its own limit (`OcrOptions.timeout_s`)
    memory_mb: int = 2048  # real reports take a few hundred MB; OCR's models about 500 MB


class Progress:
    """Passed to a target in place of a progress callback: each call reaches `run_within`'s `on_progress`."""

    def __call__(self, *args: Any) -> None:
        if _to_caller is not None:
            _to_caller.send(("progress", args))


_to_caller: Connection | None = None  # set in a worker process only, for `Progress`


DEFAULT_BUDGET = ParseBudget()


def run_within(budget: ParseBudget, path: Path, target: Callable[..., T], *args: Any,
               on_progress: Callable[..., None] | None = None, extra_seconds: float = 0.0) -> T:
    """`target(*args)` run in a worker process; IngestError when it runs over `budget` or dies.

    `extra_seconds` adds to the time budget (OCR has its own, longer limit).
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sender, target, args), daemon=True, name=f"parse {path.name}")
    worker.start()
    sender.close()
    seconds = budget.seconds + extra_seconds
    deadline = time.monotonic() + seconds
    try:
        while True:
            while not receiver.poll(_POLL_S):
                if _resident_mb(worker.pid) > budget.memory_mb:
                    raise IngestError(path, f"parsing needs more than {budget.memory_mb} MB of memory; stopped "
                                            "(a report this large is probably not a report)")
                if time.monotonic() > deadline:
                    raise IngestError(path, f"parsing took longer than {seconds:g} s; stopped")
                if not worker.is_alive() and not receiver.poll(0):
                    raise IngestError(path, f"the parser stopped unexpectedly (exit code {worker.exitcode})")
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise IngestError(path, f"the parser stopped unexpectedly (exit code {worker.exitcode})") from None
            if kind != "progress":
                break
            if on_progress is not None:
                on_progress(*value)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if kind == "refused":
        raise IngestError(path, value)
    if kind == "crashed":
        raise IngestError(path, f"the parser failed: {value}")
    return value


def _work(sender: Connection, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _to_caller
    _to_caller = sender
    with suppress(OSError):
        os.nice(5)  # a long parse yields the cores to the server's answers
    try:
        result: tuple[str, Any] = ("done", target(*args))
    except IngestError as exc:
        result = ("refused", exc.reason)  # IngestError's constructor does not survive pickling
    except MemoryError:
        result = ("crashed", "out of memory")
    except Exception as exc:  # the parent turns every failure into an IngestError
        result = ("crashed", "".join(traceback.format_exception_only(exc)).strip()[:500])
    sender.send(result)
    sender.close()


def _resident_mb(pid: int | None) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0  # gone, or not Linux: the time budget still holds


@cache
def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the loaders once, never the parent's __main__ (uvicorn, pytest).
    context.set_forkserver_preload(["ingest.loaders"])
    return context
