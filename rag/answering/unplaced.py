"""Reports with no detected region cannot stand for a region in a ranking ("哪个区…最高").

A short upload or a file without a heading has no region; ranked, it would appear as a "region"
named after its file. Rankings leave such reports out, say how many, and the admin console flags
them for correction (a region set by hand brings them back).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.schema import Document


def split_unplaced(docs: Sequence[Document]) -> tuple[list[Document], list[Document]]:
    """(reports with a region, reports without one)."""
    return [d for d in docs if d.region], [d for d in docs if not d.region]


def unplaced_note(unplaced: Sequence[Document]) -> str:
    """The sentence a ranking ends with when reports were left out for having no region."""
    if not unplaced:
        return ""
    return f"另有{len(unplaced)}份报告没有识别出所属地区，未参与比较（可在管理台更正地区）。"
