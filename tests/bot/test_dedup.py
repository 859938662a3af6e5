"""Delivery ids in SQLite: a retry is dropped in any process on the store, and after a restart."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from bot.dedup import RecentIds


def test_repeat_within_ttl_is_refused_and_expires_after() -> None:
    now = [0.0]
    ids = RecentIds(ttl_s=10, clock=lambda: now[0])
    assert ids.first_time("Ev1")
    assert not ids.first_time("Ev1")
    assert ids.first_time("Ev2")
    now[0] = 11
    assert ids.first_time("Ev1")


def test_memory_is_bounded() -> None:
    ids = RecentIds(ttl_s=1e9, max_items=3)
    for i in range(250):
        assert ids.first_time(f"k{i}")
    assert len(ids) == 3
    assert not ids.first_time("k249")


def test_ids_survive_a_restart(tmp_path: Path) -> None:
    first = RecentIds(tmp_path / "seen.sqlite")
    assert first.first_time("Ev1")
    first.close()
    again = RecentIds(tmp_path / "seen.sqlite")
    assert not again.first_time("Ev1")
    again.close()


def _offer(path: str, key: str, out: multiprocessing.Queue) -> None:
    ids = RecentIds(Path(path))
    out.put(ids.first_time(key))
    ids.close()


def test_one_delivery_offered_to_several_processes_is_first_in_exactly_one(tmp_path: Path) -> None:
    path = str(tmp_path / "seen.sqlite")
    RecentIds(Path(path)).close()  # created once, as the server does at start-up
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_offer, args=(path, "MsgId-1", out)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    answers = [out.get(timeout=10) for _ in procs]
    assert answers.count(True) == 1
