"""Invisible format characters (Unicode category Cf) dropped from text, at ingest and in questions.

Zero-width spaces and joiners, soft hyphens, bidi marks and BOMs show as nothing, so a reader sees
"石景山区" where the bytes say "石\u200b景山区", and every exact match (regions, measures, synonyms)
would miss it. Both sides drop them, so a report and a question meet on the visible text.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache


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
