"""Where each PDF page's text ended up in the repaired report text, for page provenance.

PDF repair only ever deletes (page furniture, line breaks, stray spaces), so the repaired text's
non-space characters are a subsequence of the pages' in order. Walking both at once tells, for each
page, the span of the repaired text it produced, without threading offsets through the repair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int]


def page_spans(pages: Sequence[str], text: str) -> list[Span]:
    """[start, end) of each page's share of `text`; a page that contributed nothing gets an empty span."""
    owner: list[int] = []  # page of each non-space source character, in order
    source: list[str] = []
    for number, page in enumerate(pages):
        for ch in page:
            if not ch.isspace():
                source.append(ch)
                owner.append(number)
    starts = [-1] * len(pages)
    ends = [-1] * len(pages)
    j = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        k = j
        while k < len(source) and source[k] != ch:
            k += 1
        if k == len(source):
            continue  # a character repair added (never expected); it keeps no page
        j = k + 1
        page = owner[k]
        if starts[page] < 0:
            starts[page] = i
        ends[page] = i + 1
    spans: list[Span] = []
    cursor = 0
    for start, end in zip(starts, ends, strict=True):
        if start < 0:
            spans.append((cursor, cursor))
        else:
            spans.append((start, end))
            cursor = end
    return spans


def page_of(spans: Sequence[Span], offset: int) -> int | None:
    """1-based page number holding character `offset`, or None."""
    for number, (start, end) in enumerate(spans, start=1):
        if start <= offset < end:
            return number
    return None


def pages_between(spans: Sequence[Span], start: int, end: int) -> list[int]:
    """1-based numbers of the pages that overlap [start, end)."""
    return [n for n, (a, b) in enumerate(spans, start=1) if a < end and start < b]


def find_spans(text: str, needles: Sequence[str], within: Span) -> list[Span]:
    """Spans of `needles` (whitespace-insensitive) inside `within` of `text`."""
    found = []
    start, end = within
    for needle in needles:
        chars = [re.escape(ch) for ch in needle if not ch.isspace()]
        if not chars:
            continue
        match = re.compile(r"\s*".join(chars)).search(text, start, end)
        if match:
            found.append((match.start(), match.end()))
    return found
