"""Sentence spans for Chinese report text: chunks never cut one, and answers quote one."""

from __future__ import annotations

import re

# A sentence ends at a full stop, question or exclamation mark or semicolon, together with any
# closing quotes or brackets that follow it.
_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in text[start:end], whitespace trimmed, empty ones dropped."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _END.finditer(text, start, end):
        spans.append((pos, match.end() if text[match.start()] != "\n" else match.start()))
        pos = match.end()
    if pos < end:
        spans.append((pos, end))
    trimmed = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
