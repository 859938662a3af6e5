"""Per-stage timing of ingest (for the bench) and of a question (for `timings_ms`).

Code marks its stages with `with stage("tokenise"):`; outside `measure_stages()` that is a no-op, so
it costs nothing when nobody is measuring. Times are exclusive: a stage nested in another (clean
inside load) is subtracted from its parent, so the stages add up to the measured whole.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_active: ContextVar[_Recorder | None] = ContextVar("govqa_stages", default=None)


class _Recorder:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._child: list[float] = []  # time spent in nested stages, one slot per open stage

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


@contextmanager
def measure_stages() -> Iterator[dict[str, float]]:
    """Collect exclusive seconds per stage name for everything run inside the block (this thread's context)."""
    recorder = _Recorder()
    token = _active.set(recorder)
    try:
        yield recorder.seconds
    finally:
        _active.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    recorder = _active.get()
    if recorder is None:
        yield
        return
    recorder._child.append(0.0)
    t0 = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - t0
        nested = recorder._child.pop()
        recorder.add(name, elapsed - nested)
        if recorder._child:
            recorder._child[-1] += elapsed
