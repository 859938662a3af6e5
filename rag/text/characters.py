"""Characters made comparable: invisible format characters (Unicode category Cf) dropped, and
traditional characters turned simplified, at ingest and in questions.

Zero-width spaces and joiners, soft hyphens, bidi marks and BOMs show as nothing, so a reader sees
"石景山区" where the bytes say "石\u200b景山区", and every exact match (regions, measures, synonyms)
would miss it. Both sides drop them, so a report and a question meet on the visible text.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

# Share of a text's Han characters that OpenCC changes above which the text is written in traditional
# characters. Simplified text changes almost none (a handful of variant forms); traditional text, a fifth.
_TRADITIONAL_SHARE = 0.05
_SAMPLE = 2000  # Han characters looked at to decide


@cache
def _format_characters() -> frozenset[str]:
    # From the running Python's Unicode tables (163 characters in Unicode 15), built once.
    return frozenset(chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf")


def drop_format_characters(text: str) -> str:
    """`text` without its Unicode format (Cf) characters."""
    if text.isascii():
        return text
    for char in _format_characters().intersection(text):  # a set test: linear, and usually finds none
        text = text.replace(char, "")
    return text


@cache
def _t2s():  # OpenCC has no type stubs
    from opencc import OpenCC  # loaded on first use: only traditional text needs it

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` in simplified characters (OpenCC t2s); simplified text comes back unchanged."""
    return _t2s().convert(text) if not text.isascii() else text


@cache
def _traditional_marks() -> frozenset[str]:
    from importlib import resources

    lines = resources.files("rag").joinpath("data", "traditional_marks.txt").read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if line.strip() and not line.startswith("#")))


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters (a 繁体 page of a report), from a sample."""
    han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")[:_SAMPLE]  # markup and digits aside
    if len(han) < 20 or _traditional_marks().isdisjoint(han):
        return False  # the common case, decided without converting anything
    converted = to_simplified(han)
    if len(converted) != len(han):
        return True  # phrase conversions only happen in traditional text
    return sum(a != b for a, b in zip(han, converted, strict=True)) / len(han) >= _TRADITIONAL_SHARE
