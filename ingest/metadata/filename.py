"""What a file name says: the region (a Chinese title-like name, or the pinyin of the short name) and a year.

Pinyin is ambiguous (several divisions share one), so a pinyin name counts only for a division the
report's text names, or for the one division that spells so when the text names none of them. A name
followed by a town's ending (xinhuaxiang, xinhua-zhen) is a town's, never the division's that shares it.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Division, Gazetteer
from rag.domain.intents import load_intents

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
    towns = load_intents().below_county_pinyin
    out: list[Division] = []
    tokens = [t for t in re.split(r"[^a-z]+", stem.lower()) if t]
    for k, token in enumerate(tokens):
        if k + 1 < len(tokens) and tokens[k + 1] in towns:
            continue  # xinhua-xiang: a town's name
        if not gazetteer.by_pinyin(token) and any(token.endswith(t) and len(token) > len(t) for t in towns):
            continue  # xinhuaxiang: a town's name
        for word in _readings(token, suffixes):
            if len(word) < _MIN_PINYIN:
                continue
            spelled = gazetteer.by_pinyin(word)
            named = [d for d in spelled if d.name in context or names_division(context, d.short)]
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


def names_division(text: str, short: str) -> bool:
    """Whether `text` names a division by its short name somewhere other than as a town's (新华 in 新华乡)."""
    if len(short) < 2:
        return False
    towns = load_intents().below_county
    start = text.find(short)
    while start >= 0:
        end = start + len(short)
        if not text.startswith(towns, end):
            return True
        start = text.find(short, end)
    return False
