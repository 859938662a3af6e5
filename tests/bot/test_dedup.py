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
    for key in "abcd":
        assert ids.first_time(key)
    assert ids.first_time("a")  # evicted as the oldest
    assert not ids.first_time("d")
