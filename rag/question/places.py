"""Places below a county (街道, 乡, 镇) that issued reports of their own, found in a question.

The gazetteer stops at county level, so "宁海路街道在哪个区" names no region the store knows; but a report
issued by that sub-district is filed under its district. A question naming the issuing place (in full, by
its name before 街道/镇/乡, or by that name's pinyin in an English question) is about that report's region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from rag.domain.gazetteer import Division, load_gazetteer
from rag.domain.intents import load_intents
from rag.schema import Document

_BELOW = ("sub_district", "town")
_MIN_NAME = 2


@dataclass(frozen=True)
class Place:
    name: str  # 宁海路街道
    stem: str  # 宁海路
    pinyin: str  # ninghailu
    region: str  # the report's region: 鼓楼区


def place_of(issuer: str) -> Place | None:
    """The place an issuer below county level names: 宁海路街道办事处 -> 宁海路街道 (stem 宁海路)."""
    for word in sorted(load_intents().below_county, key=len, reverse=True):
        at = issuer.find(word)
        if at >= _MIN_NAME:
            stem = _without_divisions(issuer[:at].split()[-1])
            if len(stem) >= _MIN_NAME:
                return Place(stem + word, stem, "".join(lazy_pinyin(stem)).lower(), "")
    return None


def _without_divisions(name: str) -> str:
    """安吉县递铺 -> 递铺: the county, city or province names a place's full name starts with."""
    end = 0
    for _, offset, length in load_gazetteer().find_spans(name):
        if offset != end:
            break
        end = offset + length
    return name[end:]


@lru_cache(maxsize=8)
def _places(issuers: tuple[tuple[str, str], ...]) -> tuple[Place, ...]:
    out = []
    for issuer, region in issuers:
        place = place_of(issuer)
        if place is not None:
            out.append(Place(place.name, place.stem, place.pinyin, region))
    return tuple(out)


def places_named(text: str, original: str, documents: Iterable[Document]) -> list[Place]:
    """The issuing places below county level a question names, with the region their report is filed under."""
    issuers = tuple(sorted({(d.issuer, d.region) for d in documents
                            if d.issuer and d.region and d.issuer_level in _BELOW}))
    if not issuers:
        return []
    lowered = original.lower()
    return [place for place in _places(issuers) if _names(text, lowered, place)]


def _names(text: str, lowered: str, place: Place) -> bool:
    if place.name in text:
        return True
    at = text.find(place.stem)
    if at >= 0 and text.startswith(load_intents().below_county, at + len(place.stem)):
        return True  # 宁海路街办: the stem and another ending of a place below county
    return len(place.pinyin) >= 4 and bool(re.search(rf"\b{re.escape(place.pinyin)}\b", lowered))


def below_county_named(text: str) -> list[str]:
    """乡镇 and 街道 a question names by their own names (递铺镇), which the gazetteer does not hold."""
    return list(dict.fromkeys(m.group(1) for m in load_intents().place_below.finditer(text)))


def placed_divisions(text: str, original: str, english: bool) -> list[Division]:
    """The divisions a question asks the place of ("叶城是哪个地区的", "Which prefecture is Yecheng County
    in?"), by full or short name or by pinyin; several when the name is shared. [] when it asks no place."""
    intents = load_intents()
    asked = original.strip() if english else text.strip()
    m = next((m for m in (p.search(asked) for p in intents.placement) if m), None)
    if m is None:
        return []
    subject = m.group("subject").strip()
    gazetteer = load_gazetteer()
    if not english:
        return [d for d in gazetteer.by_name(subject) if d.level != "省"]
    name = intents.placement_levels.sub("", subject.lower()).strip()
    return [d for d in gazetteer.by_pinyin(re.sub(r"[\s\-]+", "", name)) if d.level != "省" and d.current]
