"""Understanding is linear in a question's length (a long question held a core for minutes)."""

from __future__ import annotations

import time

from rag.question.understanding import RegionMatcher, understand
from rag.schema import Document


def _seconds(call, text: str) -> float:
    started = time.perf_counter()
    call(text)
    return time.perf_counter() - started


def test_region_matching_of_a_long_question_is_not_quadratic() -> None:
    """Each region match was checked against every earlier match: 4x the text took 20x the time."""
    matcher = RegionMatcher(("泗阳县", "石景山区", "铁东区"))
    unit = "泗阳县和石景山区办"
    short, long = (unit * 500)[:4000], (unit * 2000)[:16000]
    assert matcher.find(long) == ["石景山区", "泗阳县"]
    ratio = min(_seconds(matcher.find, long) for _ in range(3)) / min(_seconds(matcher.find, short) for _ in range(3))
    assert ratio < 8, f"4x the text took {ratio:.1f}x the time"


def test_understanding_a_long_question_grows_linearly() -> None:
    documents = [Document.model_construct(region=r) for r in ("泗阳县", "石景山区", "铁东区")]
    unit = "泗阳县和石景山区办"
    understand(unit, documents)  # loads the catalogue, the gazetteer and the converter
    short, long = (unit * 500)[:2000], (unit * 2000)[:16000]
    ratio = (min(_seconds(lambda t: understand(t, documents), long) for _ in range(3))
             / min(_seconds(lambda t: understand(t, documents), short) for _ in range(3)))
    assert ratio < 12, f"8x the text took {ratio:.1f}x the time"
