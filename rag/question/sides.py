"""The sides of a comparison of a few named places: each region, 乡镇/街道 or department a question names,
with the reports that answer for it and the year asked of it.

A body that issued a report (a 司法局, a 街道) answers from its own report; a region from its government's
report, never from a body's inside it (a town's figures are not the county's); a 乡镇 or 街道 no report is
filed under from the reports whose text names it, its own figures only. "A in 2025 or B in 2023" asks each
side its own year. Words in rag/data/comparisons.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from pypinyin import lazy_pinyin

from rag.domain.gazetteer import load_gazetteer
from rag.domain.towns import load_towns
from rag.question.places import below_county_named, place_of, said_places
from rag.question.understanding import Question, region_aliases
from rag.schema import Document
from rag.store.snapshot import documents_of, known_regions

BODY_LEVELS = frozenset({"department", "sub_district", "town"})
_MENTIONING = 3  # reports read for a place no report is filed under


@dataclass(frozen=True)
class Side:
    name: str  # as the answer names it: 开化县, 华埠镇, 常山县司法局
    docs: tuple[Document, ...]  # the reports that may answer for it, oldest first (the year asked only)
    body: str | None = None  # a place whose own figure is read inside another's report (池淮镇 in 开化县's)
    year: int | None = None  # the year asked of this side
    at: int = 0  # where the question names it


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(resources.files("rag").joinpath("data", "comparisons.yaml").read_text(encoding="utf-8"))


def asks_compare(q: Question) -> bool:
    return bool(re.search(words()["asks_compare"], f"{q.text} {q.original}", re.I))


def places_named(q: Question) -> int:
    """How many 乡镇/街道 a question names by name (in Chinese, or in pinyin before Town, Sub-district)."""
    english = len(re.findall(words()["english_below"], q.original)) if q.english else 0
    return len(below_county_named(q.text)) + english


def sides_of(q: Question, docs: Mapping[str, Document],
             mentioning: Callable[[str, list[str]], Sequence[str]] | None = None) -> list[Side]:
    """The places a comparison names, in the order named ([] when fewer than two or more than the cap)."""
    documents = documents_of(docs)
    text = re.sub(r"\s+", " ", (q.own_text or q.text) if q.english else q.text).lower()
    original = q.original.lower()
    found: list[tuple[int, int, str, list[Document], str | None]] = []
    # 1. Bodies that issued reports of their own.
    bodies: dict[str, list[Document]] = {}
    for d in documents:
        name = _body_name(d)
        if name:
            bodies.setdefault(name, []).append(d)
    for name, own in bodies.items():
        span = _body_span(name, own[0], text, original)
        if span is not None:
            found.append((*span, name, own, None))
    unfiled = _unfiled_places(q, text, documents, set(bodies))
    # 2. Regions, except where they only qualify a body named beside them ("开化县华埠镇", "Huabu Town (Kaihua)"),
    # or a place no report is filed under ("Fotang in Yiwu").
    for region in known_regions(documents):
        for start, end in _region_spans(region, text):
            if any(_qualifies(text, start, end, s, e) and any(d.region == region for d in own)
                   for s, e, _, own, _ in found if own):
                continue
            if any(_qualifies(text, start, end, at, at + length) for _, at, length in unfiled):
                continue
            if any(s <= start < e for s, e, *_ in found):
                continue
            own = [d for d in documents if d.region == region and d.issuer_level not in BODY_LEVELS]
            found.append((start, end, region, own or [d for d in documents if d.region == region], None))
            break
    # 3. 乡镇 and 街道 no report is filed under: the reports whose text names them.
    for name, start, _ in unfiled:
        if any(s <= start < e for s, e, *_ in found):
            continue
        placed = [d.doc_id for d in documents if d.region and d.issuer_level not in BODY_LEVELS]
        ids = list(mentioning(name, placed))[:_MENTIONING] if mentioning else []
        if not ids and mentioning:  # a report whose region was not recognised, naming the place
            ids = list(mentioning(name, [d.doc_id for d in documents if not d.region]))[:_MENTIONING]
        found.append((start, start + len(name), name, [docs[i] for i in ids], name))
    found.sort(key=lambda f: f[0])
    if not 2 <= len(found) <= words()["max_sides"]:
        return []
    years = [(m.start(), int(m.group(1))) for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]
    years = years or [(0, y) for y in q.years]
    distinct = list(dict.fromkeys(y for _, y in years))
    sides = []
    for i, (start, _, name, own, body) in enumerate(found):
        if len(distinct) >= 2:
            end = found[i + 1][0] if i + 1 < len(found) else len(text)
            after = [y for at, y in years if start <= at < end]
            before = [y for at, y in years if at < start]
            year = (after or before[-1:] or [None])[0]
        else:
            year = distinct[0] if distinct else None
        ordered = sorted(own, key=lambda d: d.year or 0)
        if year is not None:
            ordered = [d for d in ordered if d.year == year]
        sides.append(Side(name, tuple(ordered), body, year, start))
    return sides


def _body_name(doc: Document) -> str | None:
    """A body's name as a question names it: its place (华埠镇), or its region and office (常山县司法局)."""
    if doc.issuer_level not in BODY_LEVELS or not doc.issuer or not doc.region:
        return None
    issuer = "".join(doc.issuer.split())
    if doc.issuer_level in {"town", "sub_district"}:
        place = place_of(issuer)
        return place.name if place else None
    office = _office(issuer, doc.region)
    return f"{doc.region}{office}" if office else None


def _office(issuer: str, region: str) -> str:
    for alias in sorted(region_aliases(region), key=len, reverse=True):
        if issuer.startswith(alias):
            return issuer[len(alias):]
    return ""


def _body_span(name: str, doc: Document, text: str, original: str) -> tuple[int, int] | None:
    region = doc.region or ""
    if doc.issuer_level == "department":
        office = name[len(region):]
        aliases = "|".join(re.escape(a.lower()) for a in sorted(region_aliases(region), key=len, reverse=True))
        m = re.search(rf"(?:{aliases})\s*(?:县|区|市|county|district|city)?\s*{re.escape(office)}", text)
        return (m.start(), m.end()) if m else None
    place = place_of(name)
    if place is None:
        return None
    for needle in (place.name, place.stem):
        at = text.find(needle)
        if at >= 0 and (needle == place.name or re.match(r"街道|街办|镇|乡", text[at + len(needle):])):
            return at, at + len(needle)
    if len(place.pinyin) >= 4:
        spaced = r"[\s'’-]?".join(re.escape(s) for s in lazy_pinyin(place.stem))
        m = re.search(rf"(?<![a-z]){spaced}(?![a-z])", text) or re.search(rf"(?<![a-z]){spaced}(?![a-z])", original)
        if m:
            return m.start(), m.end()
    return None


def _region_spans(region: str, text: str) -> list[tuple[int, int]]:
    spans = []
    for alias in sorted(region_aliases(region), key=len, reverse=True):
        a = alias.lower()
        if len(a) < 2:
            continue
        for m in re.finditer(re.escape(a) if not a.isascii() else rf"(?<![a-z]){re.escape(a)}(?![a-z])", text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def _qualifies(text: str, start: int, end: int, s: int, e: int) -> bool:
    """A region named right before or after a body ("开化县华埠镇", "Huabu Town (Kaihua)", "… in Kaihua")."""
    between = text[end:s] if end <= s else text[e:start] if e <= start else None
    return between is not None and re.fullmatch(words()["qualifier_between"], between, re.I) is not None


def _unfiled_places(q: Question, text: str, documents: Sequence[Document],
                    bodies: set[str]) -> list[tuple[str, int, int]]:
    """乡镇/街道 named (in Chinese, or in pinyin before Town / Sub-district) that issued no report here, with
    where the question names them and how long the name is there."""
    out = []
    for name in below_county_named(text):
        if name in bodies or any(name in b or b in name for b in bodies):
            continue
        out.append((name, text.find(name), len(name)))
    if q.english:
        # Read from its pinyin by the question's understanding (rag/question/places.py `english_below`).
        for name in below_county_named(q.text):
            if name not in (q.own_text or "") and name not in bodies and all(name != n for n, *_ in out):
                said = next((p for p in said_places(q.original) if name in english_below_names(p)), None)
                at = text.find(said.written.lower()) if said else -1
                out.append((name, at if at >= 0 else len(text), len(said.written) if said else 0))
        towns = _towns_of(tuple(known_regions(documents)))
        for m in re.finditer(words()["english_below"], q.original):
            key = re.sub(r"[\s'’-]+", "", m.group(1)).lower()
            name = towns.get(key)
            if name and name not in bodies and all(name != n for n, *_ in out):
                at = text.find(m.group(1).lower())
                out.append((name, at if at >= 0 else m.start(), len(m.group(1))))
    return out


@lru_cache(maxsize=8)
def _towns_of(regions: tuple[str, ...]) -> dict[str, str]:
    """The 乡镇 and 街道 of the store's regions by their stems' pinyin: chihuai → 池淮镇."""
    gazetteer = load_gazetteer()
    codes = {d.code for r in regions for d in gazetteer.by_name(r)}
    out: dict[str, str] = {}
    for name, counties in load_towns().counties.items():
        if codes & set(counties):
            stem = re.sub(r"(?:街道|镇|乡|苏木|办事处)$", "", name)
            out.setdefault("".join(lazy_pinyin(stem)).lower(), name)
    return out



def english_below_names(said) -> set[str]:
    """The townships of the table spelled as an English place is (its kinds' endings)."""
    return {n for n in load_towns().by_pinyin(said.spelled) if n.endswith(said.endings)}
