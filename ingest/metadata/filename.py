"""What a file name says: the region (a Chinese title-like name, or the pinyin of the short name) and a year.

Pinyin is ambiguous (several divisions share one), so a pinyin name counts only for a division the
report's text names, or for the one division that spells so when the text names none of them.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Division, Gazetteer

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_HAN = re.compile(r"[\u3400-\u9fff]")
_MIN_PINYIN = 4  # shorter tokens (he, an, xian) name too many places or none


def stem_of(filename: str) -> str:
    return PurePath(filename).stem


def filename_year(filename: str) -> int | None:
    m = _YEAR.search(stem_of(filename))
    return int(m.group(1)) if m else None


def pinyin_divisions(filename: str, gazetteer: Gazetteer, context: str) -> list[Division]:
    """Divisions whose short name's pinyin the file name spells (zhangwan-2019, siyangxian_2022)."""
    stem = stem_of(filename)
    if _HAN.search(stem):
        return []
    suffixes = meta_words().pinyin_suffixes
    out: list[Division] = []
    for token in re.split(r"[^a-z]+", stem.lower()):
        for word in _readings(token, suffixes):
            if len(word) < _MIN_PINYIN:
                continue
            spelled = gazetteer.by_pinyin(word)
            named = [d for d in spelled if d.name in context or (len(d.short) >= 2 and d.short in context)]
            if named:
                return named
            current = [d for d in spelled if d.current]
            if len(current) == 1 and not out:
                out = current
    return out


def _readings(token: str, suffixes: tuple[str, ...]) -> list[str]:
    """The token, and the token without a body suffix it ends in (siyangxian -> siyang)."""
    words = [token]
    for suffix in suffixes:
        if token.endswith(suffix) and len(token) > len(suffix):
            words.append(token[: -len(suffix)])
    return words
