"""Which reports a question is about: the one place that filters documents by region and year.

The service, every answerer and the operations read scope from here, so "the region's latest report
when no year is named" and "a plans question about 2024 reads the 2023 report" are decided once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rag.domain.intents import load_intents
from rag.question.understanding import Question
from rag.schema import Document
from rag.store.snapshot import documents_of, in_regions, known_regions


@dataclass
class Scope:
    """The documents in scope (None: the whole store), or a refusal naming what is missing."""

    doc_ids: list[str] | None
    refusal: str | None = None
    docs: list[Document] = field(default_factory=list)
    note: str | None = None  # said beside the answer: how the reports were found when not by their region
    # With no report of the year asked, the next year's reports: a table column of theirs may give the
    # year asked (a fact whose year is that year). Only the facts answerer may answer from them.
    next_year: Scope | None = None


def scope_of(q: Question, docs: dict[str, Document],
             mentioning: Callable[[str, list[str]], Sequence[str]] | None = None, english: bool = False) -> Scope:
    """The reports a question is about (with the next year's as a fallback for a missing year);
    `mentioning` searches report text for a place no report is filed under (see `select`)."""
    scope = select(docs, q.regions, q.years, unknown_regions=q.unknown_regions, asks_plans=q.asks_plans,
                   mentioning=mentioning, english=q.english)
    if scope.refusal is not None and q.wants_number and q.years and q.regions:
        later = select(docs, q.regions, [y + 1 for y in q.years])
        if later.refusal is None and later.doc_ids:
            scope.next_year = later
    return scope


def matches(doc: Document, regions: Sequence[str], years: Sequence[int]) -> bool:
    return (not regions or doc.region in regions) and (not years or doc.year in years)


def select(docs: dict[str, Document], regions: Sequence[str], years: Sequence[int], *,
           unknown_regions: Sequence[str] = (), asks_plans: bool = False,
           mentioning: Callable[[str, list[str]], Sequence[str]] | None = None, english: bool = False) -> Scope:
    """The documents a question is about, or a plain refusal naming what is missing.

    `mentioning(name, doc_ids)` searches report text: before saying there is no report of a place, the
    reports whose region was not recognised are searched for its name, and one that names it answers."""
    if unknown_regions and not regions:
        found = _unplaced_naming(docs, unknown_regions, mentioning) if mentioning else []
        named = "、".join(unknown_regions)
        if found:
            note = _english("found_unplaced", named=named) if english else \
                f"（未能识别这份报告所属的地区，是按正文中提到的“{named}”找到的，请核对。）"
            return Scope([d.doc_id for d in found], docs=found, note=note)
        placed = _placed_naming(docs, unknown_regions, mentioning) if mentioning else []
        if placed:
            reports = list(dict.fromkeys(d.region or d.source for d in placed))
            note = _english("found_placed", named=named, reports=_en(reports)) if english else \
                f"（收录的报告中没有{named}自己的报告，以上取自正文提到“{named}”的{'、'.join(reports)}报告。）"
            return Scope([d.doc_id for d in placed], docs=placed, note=note)
        if english:
            return Scope(None, _english("no_place", places=_en(unknown_regions),
                                        have=_en(known_regions(documents_of(docs)))))
        have = _some(known_regions(documents_of(docs)), "个地区")
        return Scope(None, f"收录的报告中没有{'、'.join(unknown_regions)}的报告（现有：{have}）。")
    if not regions and not years:
        return Scope(None, docs=list(documents_of(docs)))
    selected = in_regions(docs, regions)
    if years:
        by_year = [d for d in selected if d.year in years]
        if not by_year and asks_plans:
            # A report's plans section speaks about the following year ("2024年工作安排").
            by_year = [d for d in selected if d.year is not None and d.year + 1 in years]
        if not by_year and english:
            years_said = ", ".join(str(y) for y in years)
            who_en = _en(regions) if regions else _english("any_region")
            reports = [f"{_en([d.region])} {d.year}" for d in selected if d.year and d.region]
            if reports:
                return Scope(None, _english("no_year", who=who_en, years=years_said, have=_en_list(reports, "reports")))
            if selected:
                return Scope(None, _english("no_year_stated", who=who_en, years=years_said))
            return Scope(None, _english("no_year_none", who=who_en, years=years_said))
        if not by_year:
            have = _some([f"{d.region}{d.year}年度" for d in selected if d.year], "份报告")
            who = "、".join(regions) if regions else "任何地区"
            wanted = "、".join(str(y) for y in years)
            if have:
                return Scope(None, f"没有{who}{wanted}年的报告，只收录了{have}的报告。")
            if selected:  # the region's reports do not say which year they cover
                return Scope(None, f"没有{who}{wanted}年的报告：收录的{who}报告没有写明所属年份。")
            return Scope(None, f"没有{who}{wanted}年的报告。")
        selected = by_year
    return Scope([d.doc_id for d in selected], docs=selected)


# A refusal names at most this many of the regions or reports the store does have.
_NAMED = 8
_MENTIONING = 3  # unplaced reports that may answer for a place named in their text


def _unplaced_naming(docs: dict[str, Document], names: Sequence[str],
                     mentioning: Callable[[str, list[str]], Sequence[str]]) -> list[Document]:
    """Reports without a region whose text names every place asked."""
    unplaced = [d.doc_id for d in documents_of(docs) if not d.region]
    if not unplaced:
        return []
    ids = set(unplaced)
    for name in names:
        ids &= set(mentioning(name, unplaced)[:_MENTIONING])
    return [docs[i] for i in unplaced if i in ids]


def _english(key: str, **fields: str) -> str:
    """A refusal of the scope in English (rag/data/english.yaml `scope`)."""
    from rag.answering.format import english_words

    return english_words()["scope"][key].format(**fields)


def _en(regions: Sequence[str], what: str = "regions") -> str:
    """Regions named in English ("Anji County (安吉县)"), the first ones and the count past `_NAMED`."""
    from rag.answering.format import region_en

    return _en_list([region_en(r) or r for r in regions], what)


def _en_list(names: Sequence[str], what: str) -> str:
    if len(names) <= _NAMED:
        return ", ".join(names)
    return ", ".join(names[:_NAMED]) + f" and others ({len(names)} {what})"


_OWN_LEVELS = ("department", "sub_district", "town")
_MIN_UNIT = 2


def issued_by(doc: Document, unit: str, text: str = "") -> bool:
    """Whether a body a question names (教育局, 宁海路街道) is the report's own issuer: then the report's
    figures are that body's own, not a sub-unit's within the region. A report filed under no region and
    signed by no one that a question about a 乡镇 or 街道 reached (`select` found the name in its text, and
    says so beside the answer) is taken as that place's own. `text` is the report's text, read when the
    metadata alone does not say (see `speaks_as`)."""
    if not doc.region and not doc.issuer and load_intents().place_below.fullmatch(unit):
        return True
    if len(unit) < _MIN_UNIT:
        return False
    issuer = "".join((doc.issuer or "").split())
    if doc.issuer_level in _OWN_LEVELS and any(names_body(body, unit) for body in issuer.split("、") if body):
        return True
    return speaks_as(doc, unit, text)


# How far into the text the opening runs: the first sentence after the title line says who reports.
_OPENING = 160
_PARAGRAPH = 12  # characters: shorter lines above the opening are page debris or headings
_ADDRESSEE = 40  # characters: a shorter line ending in a colon, with no comma, is the addressee (XX市委、市政府：)
_OPENING_LEAD = re.compile(r"^\s*(?:\d{4}年度?|过去的?一年|今年以来|\d{4}年以来)[，,]?")


def speaks_as(doc: Document, unit: str, text: str = "") -> bool:
    """A report nobody signed is the body's own when its title names the body, when it is not the
    government's own and its page's source office (来源, 发布机构) or its opening sentence names the body,
    or when it speaks as that kind of body (本局, 我局, 本街道) and names it somewhere."""
    intents = load_intents()
    squeeze = "".join
    title = squeeze((doc.title or "").split())
    if title and names_body(title, unit):
        return True
    if intents.government_voice.search(title) or intents.government_voice.search(squeeze((doc.issuer or "").split())):
        return False  # the government's report: a bureau that posted it or drafted it does not own its figures
    office = squeeze(str((doc.provenance.get("source_office") or {}).get("value") or "").split())
    if office and names_body(office, unit):
        return True
    if not text:
        return False
    body = text.split("\n", 1)[1] if title and text.startswith(title[:8]) and "\n" in text else text
    # The opening paragraph: past page debris and the addressee line (慈溪市委、市政府：) above it.
    paragraphs = [p.strip() for p in body[:_OPENING * 2].splitlines()]
    body = next((p for p in paragraphs if len(p) >= _PARAGRAPH
                 and not (p.endswith((":", "：")) and len(p) < _ADDRESSEE and not re.search("[，,]", p))), body)
    # The opening's subject: "2022年，紫阳街道坚持…" or "紫阳街道2022年…", not a body named later on.
    opening = _OPENING_LEAD.sub("", re.split(r"[。！？]", body[:_OPENING], maxsplit=1)[0])
    if names_body(re.split(r"[，,；;：:]", opening, maxsplit=1)[0], unit):
        return True
    voice = next((words for ending, words in sorted(intents.own_voice.items(), key=lambda kv: -len(kv[0]))
                  if unit.endswith(ending)), ())
    return any(w in text for w in voice) and (names_body(text, unit) or names_body(office, unit))


def names_body(text: str, unit: str) -> bool:
    """Whether a text names the body: its name, or its short form (林草局 for 林业和草原局: the short name's
    characters in order, a few apart, from its first to its last)."""
    if not text or not unit:
        return False
    # A name people say (卫健委, police): also the stems its issuer is written with (rag/data/intents.yaml body_names).
    return any(_names(text, name) for name in (unit, *load_intents().body_names.get(unit.lower(), ())))


def _names(text: str, unit: str) -> bool:
    if unit in text:
        return True
    if len(unit) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", unit):
        return False
    gap = r"[\u4e00-\u9fff]{0,3}?"
    return re.search(gap.join(re.escape(c) for c in unit), text) is not None


def _placed_naming(docs: dict[str, Document], names: Sequence[str],
                   mentioning: Callable[[str, list[str]], Sequence[str]]) -> list[Document]:
    """Filed reports whose text names every 乡镇 or 街道 asked (a town's figures stand in its county's report)."""
    if not all(load_intents().place_below.fullmatch(n) for n in names):
        return []  # a county-level division asked: another county's report does not answer for it
    placed = [d.doc_id for d in documents_of(docs) if d.region]
    each = [set(mentioning(name, placed)[:_MENTIONING]) for name in names]
    ids = set.intersection(*each) if each else set()
    if not ids and len(names) > 1 and not all(each):
        # One of them named only in a report whose region was not recognised: each in whichever report names it.
        every = [d.doc_id for d in documents_of(docs)]
        each = [set(mentioning(name, every)[:_MENTIONING]) for name in names]
    if not ids and len(names) > 1 and all(each):
        ids = set.union(*each)  # "池淮镇和芳村镇哪个多": each named in its own county's report, compared
    return [d for d in documents_of(docs) if d.doc_id in ids]


def _some(names: Sequence[str], what: str) -> str:
    """Names joined for a refusal; past `_NAMED`, the first ones and the count."""
    if len(names) <= _NAMED:
        return "、".join(names)
    return "、".join(names[:_NAMED]) + f"等{len(names)}{what}"


def by_region(docs: Iterable[Document]) -> dict[str, list[Document]]:
    """A region's reports, oldest first."""
    out: dict[str, list[Document]] = {}
    for doc in sorted(docs, key=lambda d: d.year or 0):
        out.setdefault(doc.region or doc.doc_id, []).append(doc)
    return out
