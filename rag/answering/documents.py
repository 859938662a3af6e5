"""Questions about the reports themselves, answered from the catalogue (documents table) as a table:
level, city and province (gazetteer), year covered, issuer, signing date; counts and lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering import extractive, report_fields
from rag.answering.chain import EvidenceSet
from rag.answering.drafts import Draft
from rag.answering.format import MAX_REPORTS, label, label_en, region_en
from rag.domain.gazetteer import load_gazetteer
from rag.domain.intents import load_intents
from rag.domain.towns import load_towns
from rag.question.places import placed_divisions, said_places
from rag.question.understanding import Question, asks_collection
from rag.schema import Document, Table, TableRow

_FIELD_NAMES = {"province": "所属省份", "city": "所属城市", "level": "行政级别", "period": "统计期限",
                "year": "报告年度", "issuer": "落款单位", "date": "落款日期"}


def _place(doc: Document, field: str) -> str | None:
    """A catalogue field, completed from the gazetteer when ingest left it empty."""
    return report_fields.value_of(doc, field)


def _province_named(text: str, original: str = "", english: bool = False) -> str | None:
    """The province a question names: in full, by its short name (库里河北的报告), or in pinyin (from Hebei)."""
    gazetteer = load_gazetteer()
    for division, _ in gazetteer.find_in(text):
        if division.level == "省" or division.kind in {"直辖市", "自治区"}:
            return division.name
    provinces = [d for d in gazetteer.divisions if d.level == "省" and d.current]
    for d in provinces:
        if len(d.short) >= 2 and d.short in text:
            return d.name
    if english:
        words = set(re.findall(r"[a-z]+", original.lower()))
        return next((d.name for d in provinces if d.pinyin and d.pinyin.lower() in words), None)
    return None


def _level_words(text: str) -> tuple[str, tuple[str, ...]] | None:
    for word, levels in load_intents().levels.items():
        if word in text:
            return word, levels
    return None


def _table(docs: Sequence[Document]) -> Table:
    return Table(metric="收录的报告", rows=[
        TableRow(region=d.region or d.source, year=d.year, display=" · ".join(
            p for p in (_place(d, "level"), _place(d, "city"), _place(d, "province"), d.issuer, d.date) if p))
        for d in docs])


def _years_covered(docs: Sequence[Document]) -> Draft:
    """Which years the collection covers, and the regions with reports of more than one year."""
    years: dict[str, set[int]] = {}
    for d in docs:
        if d.year:
            years.setdefault(d.region or d.source, set()).add(d.year)
    every = sorted({y for ys in years.values() for y in ys})
    undated = sum(1 for d in docs if not d.year)
    lines = [f"收录的{len(docs)}份报告覆盖{'、'.join(f'{y}年度' for y in every) or '的年份都未写明'}"
             + (f"（另有{undated}份未写明年份）" if undated and every else "")]
    several = [f"{region}（{'、'.join(str(y) for y in sorted(ys))}年度）" for region, ys in sorted(years.items())
               if len(ys) > 1]
    lines.append(f"有两个及以上年度报告的地区：{'、'.join(several)}" if several
                 else "没有哪个地区收录了两个不同年度的报告")
    return Draft("；".join(lines) + "。", True, "metadata", table=_table(docs))


def report_kind(doc: Document) -> str:
    """法治政府建设, 政府信息公开 or 其他: the catalogue's field when set, else read from the title."""
    recorded = getattr(doc, "kind", None)
    if recorded:
        return "其他" if recorded == "other" else str(recorded)
    title = doc.title or ""
    return next((kind for kind, words in load_intents().report_kinds if words.search(title)), "其他")


def issuer_kind(doc: Document) -> str | None:
    """司法局 or 人民政府 (its office included) from the issuer, else from the title; None when neither says."""
    for text in (doc.issuer or "", doc.title or ""):
        found = next((kind for kind, words in load_intents().issuer_kinds if words.search(text)), None)
        if found:
            return found
    return None


def _by_kind(docs: Sequence[Document], kind_of, heading: str, unknown: str) -> Draft:
    """The reports grouped by a kind, each group with its count and the reports in it."""
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(kind_of(doc) or unknown, []).append(doc)
    parts = []
    for kind, members in sorted(groups.items(), key=lambda g: (g[0] == unknown, -len(g[1]))):
        shown = "、".join(f"{label(d)}（{d.issuer}）" if d.issuer and heading == "落款" else label(d)
                         for d in members[:MAX_REPORTS])
        more = "等" if len(members) > MAX_REPORTS else ""
        parts.append(f"{kind}{len(members)}份：{shown}{more}")
    return Draft(f"收录的{len(docs)}份报告按{heading}分：" + "；".join(parts) + "。", True, "metadata",
                 table=_table(docs))


def _collection_by_kind(question: Question, docs: Sequence[Document]) -> Draft | None:
    intents = load_intents()
    asked = (question.text, question.original)
    if any(words.search(t) for _, words in intents.issuer_kinds for t in asked):
        return _by_kind(docs, lambda d: f"{issuer_kind(d)}出具的" if issuer_kind(d) else None, "落款",
                        "其他机关出具或未写明落款的")
    return _by_kind(docs, lambda d: {"政府信息公开": "政府信息公开工作年度报告",
                                     "法治政府建设": "法治政府建设报告"}.get(report_kind(d), "其他报告"),
                    "类型", "其他报告")


_PLACE_OR_TIME = {"province", "city", "level", "period", "year", "place"}


class DocumentsAnswerer:
    name = "documents"
    reads = ()
    writes = ()

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        intents = load_intents()
        text = question.text
        docs = sorted(evidence.docs.values(), key=lambda d: (d.region or "", d.year or 0))
        if question.regions and (bodies_own := _bodies_own(question, docs)):
            docs = bodies_own  # "X县司法局的报告…": that body's report, not every report of its county
        # English field words may have been translated ("which" → 哪个); a region's English name asks nothing.
        asked_as = (text, report_fields.asked_words(question))
        fields = [name for name, pattern in intents.document_fields if any(pattern.search(t) for t in asked_as)]
        if not question.regions and any(intents.document_years.search(t) for t in asked_as):
            return _years_covered(docs)
        if asks_collection(question):
            return _collection_by_kind(question, docs)
        if not question.places and set(fields) <= {"province", "city", "place"} and (
                placed := _placement(question, docs)) is not None:
            return placed
        if question.regions and "kind" in fields and ("year" in fields or _kind_checked(question)):
            return _kind_of(question, docs, "year" in fields)
        if {"addressee", "published", "index_code", "doc_number", "kind", "source_office"} & set(fields):
            return None  # addressees, page fields and kinds: the metadata answerer cites them
        place_field = next((f for f in fields if f in _PLACE_OR_TIME), None)
        if question.places and place_field:
            where = _where_places(question, docs)
            own = _places_own(question, docs)
            others = [f for f in fields if f not in _PLACE_OR_TIME]
            if not own or not others or not where.answerable:
                return where
            # "X街道那个年报是谁出的 哪个区的": the place's own report's fields, then where the place lies.
            drafted = extractive.metadata(question, {d.doc_id: d for d in own}, evidence.chunks_by_doc)
            joined = f"{drafted.answer} {where.answer}" if question.english else drafted.answer + where.answer
            return Draft(joined, drafted.answerable, "metadata", drafted.evidence, table=where.table)
        if place_field == "place" and question.unknown_regions and not question.regions:
            if evidence.scope.refusal is not None:
                return _towns_placed(question) or Draft(evidence.scope.refusal, False, "metadata", final=True)
            if evidence.scope.docs:
                return _where_named(question, evidence.scope.docs) or _towns_placed(question, unplaced=True)
        if question.regions and place_field and place_field != "place":
            return _fields_of(question, docs, fields)
        if not question.regions and any(intents.document_list.search(t) for t in asked_as) \
                and not question.asks_plans:
            return _listing(question, docs)
        return None


def _kind_checked(question: Question) -> str | None:
    """The kind a yes/no question names ("Is X's report a disclosure report?", "是不是政府信息公开年报"), if any."""
    if not re.search(report_fields.words()["kind_check"]["asked"], question.original, re.I):
        return None
    asked = (question.text, question.original)
    return next((kind for kind, words in load_intents().report_kinds if any(words.search(t) for t in asked)), None)


def _kind_of(question: Question, docs: Sequence[Document], with_year: bool) -> Draft:
    """The kind of the region's reports (yes or no when the question names one), with the year covered."""
    english = question.english
    selected = [d for d in docs if d.region in question.regions
                and (not question.years or d.year in question.years)]
    checked = _kind_checked(question)
    lines = []
    for doc in selected:
        kind = report_kind(doc)
        shown = report_fields.kind_shown(kind, english)
        note = report_fields.source_note(doc, "kind", english)
        lead = report_fields.words()["kind_check"]["yes" if kind == checked else "no"][
            "en" if english else "zh"] if checked else ""
        if english:
            line = f"{lead}{label_en(doc)}: {report_fields.field_name('kind', True)}: {shown}{note}"
        else:
            line = f"{lead}{label(doc)}报告的{report_fields.field_name('kind', False)}：{shown}{note}"
        if with_year:
            year = report_fields.shown(doc, "year", english)
            what = report_fields.field_name("year", english)
            value = (year + report_fields.source_note(doc, "year", english)) if year \
                else report_fields.not_stated(english)
            line += f"; {what}: {value}" if english else f"，{what}：{value}"
        lines.append(line)
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined, bool(selected), "metadata", table=_table(selected))


def _fields_of(question: Question, docs: Sequence[Document], fields: list[str]) -> Draft:
    """Level, city, province, year (and issuer or date asked with them) of the region's reports."""
    english = question.english
    selected = [d for d in docs if d.region in question.regions
                and (not question.years or d.year in question.years)]
    asked = [f for f in fields if f in _FIELD_NAMES]
    if "date" in asked and {"year", "period"} & set(asked):
        asked.remove("date")  # 关于哪一年: the year covered, not the signing date
    if "period" in asked and "year" in asked:
        asked.remove("year")  # the stated period answers it; a report stating none answers its year
    lines = []
    for doc in selected:
        parts = []
        for name in asked:
            value = report_fields.shown(doc, name, english)
            if name == "period" and not value and report_fields.value_of(doc, "year"):
                name, value = "year", report_fields.shown(doc, "year", english)  # no 统计期限: the year covered
            if name == "issuer" and not value and doc.title:
                value = f"未写明（报告标题：{doc.title}）" if not english else f"not stated (title: {doc.title})"
            value = (value or report_fields.not_stated(english)) + (
                report_fields.source_note(doc, name, english) if value else "")
            what = report_fields.field_name(name, english)
            parts.append(f"{what}: {value}" if english else f"{label(doc)}报告的{what}：{value}")
        lines.append(f"{label_en(doc)}: " + "; ".join(parts) if english else "；".join(parts))
    if {"province", "city"} & set(asked) and selected and (where := report_fields.placed(selected[0], english)):
        lines.append(where)
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined, bool(selected), "metadata", table=_table(selected))


def _where_places(question: Question, docs: Sequence[Document]) -> Draft:
    """Where a 街道 or 乡镇 that issued a report lies: its report's region, that region's city and province."""
    english = question.english
    lines = []
    shown: list[Document] = []
    for place in question.places:
        doc = next((d for d in docs if d.region == place.region), None)
        if doc is None:
            continue
        shown.append(doc)
        chain = [p for p in dict.fromkeys((doc.region, _place(doc, "city"), _place(doc, "province"))) if p]
        template = report_fields.words()["place_is"]["en" if english else "zh"]
        if english:
            lines.append(template.format(place=report_fields.place_en(place),
                                         where=", ".join(region_en(p) for p in chain)))
        else:
            lines.append(template.format(place=place.name, where="".join(reversed(chain))))
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined, bool(lines), "metadata", table=_table(shown))


def _where_named(question: Question, docs: Sequence[Document]) -> Draft | None:
    """Where a 乡镇 or 街道 that only a report's text names lies: that report's region, city and province."""
    english = question.english
    regions = list(dict.fromkeys(d.region for d in docs if d.region))
    if not regions:
        return None
    place = "、".join(question.unknown_regions)
    doc = next(d for d in docs if d.region == regions[0])
    chain = [p for p in dict.fromkeys((doc.region, _place(doc, "city"), _place(doc, "province"))) if p]
    template = report_fields.words()["place_named_in"]["en" if english else "zh"]
    where = ", ".join(region_en(p) for p in chain) if english else "".join(reversed(chain))
    return Draft(template.format(place=place, where=where, reports="、".join(regions)), True, "metadata",
                 table=_table(docs))


_TOWNS_SHOWN = 5  # towns of one name a placement lists before it counts the rest


def _towns_placed(question: Question, unplaced: bool = False) -> Draft | None:
    """Where a 乡镇 or 街道 no report names lies ("黄宅镇是哪个县的", "Which county is X town in?"): every town
    of that name (or, asked in English, of that spelling and kind) in the township table, with its county, city
    and province. None when a name asked is no township the table holds. `unplaced`: a report names the place
    but its region was not recognised."""
    english = question.english
    said = {p.written: p for p in said_places(question.original)} if english else {}
    towns, gazetteer = load_towns(), load_gazetteer()
    words = report_fields.words()
    lang = "en" if english else "zh"
    lines = []
    single = True
    for name in question.unknown_regions:
        if name in towns.counties:
            names = [name]
        elif name in said:
            names = [n for n in towns.by_pinyin(said[name].spelled) if n.endswith(said[name].endings)]
        else:
            return None  # a county-level division or a place the table lacks: the refusal stands
        placed = [(n, d) for n in names for code in towns.counties.get(n, ()) if (d := gazetteer.by_code(code))]
        if not placed:
            return None
        where = []
        for town, d in placed[:_TOWNS_SHOWN]:
            chain = [p for p in dict.fromkeys((d.province, d.city, d.name)) if p]
            if english:
                where.append(f"{town} is in " + ", ".join(region_en(p) for p in reversed(chain)))
            else:
                where.append(f"{town}位于{''.join(chain)}")
        more = words["town_more"][lang] if len(placed) > _TOWNS_SHOWN else ""
        single = single and len(placed) == 1
        template = words["town_placed" if len(placed) == 1 else "towns_placed"][lang]
        lead = words["town_lead_unplaced" if unplaced else "town_lead_none"][lang].format(place=name)
        lines.append(template.format(lead=lead, where=("; " if english else "、").join(where), more=more,
                                     n=len(placed)))
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined, single, "metadata", final=not single)


class MetadataAnswerer:
    """Dates, issuers, titles and addressees of the reports (rag/answering/extractive.py's catalogue answers)."""

    name = "metadata"
    reads = ()
    writes = ()

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        own = _places_own(question, evidence.docs.values()) or _bodies_own(question, evidence.docs.values())
        docs = {d.doc_id: d for d in own} if own else evidence.docs
        return extractive.metadata(question, docs, evidence.chunks_by_doc)


def _places_own(question: Question, docs) -> list[Document]:
    """The reports a 街道 or 乡镇 the question names issued itself (its name in their issuer or title), not
    the reports of its district that only mention it."""
    return [d for d in docs for place in question.places
            if d.region == place.region and place.name in f"{d.issuer or ''} {d.title or ''}"]


def _bodies_own(question: Question, docs) -> list[Document]:
    """The reports of a body the question names by its full name (X县司法局, X市人民防空办公室): issued or
    published by it. A region's name alone names no body."""
    asked = re.sub(r"\s+", "", question.original)
    english = question.english and question.original.lower()
    own = []
    for d in docs:
        bodies = {b for who in (d.issuer, report_fields.value_of(d, "publisher")) if who for b in who.split()}
        bodies = {b for b in bodies if len(b) > len(d.region or "") + 1}
        if any(b in asked for b in bodies) or (english and any(_body_en_in(b, english) for b in bodies)):
            own.append(d)
    return own


def _body_en_in(body: str, question: str) -> bool:
    """Whether an English question names the body ("Weiyuan County Justice Bureau" for 渭源县司法局)."""
    named = report_fields.body_en(body)
    return named != body and named.split(" (")[0].lower() in question


def _placement(question: Question, docs: Sequence[Document]) -> Draft | None:
    """Where a division lies ("叶城是哪个地区的"): its prefecture-level unit and province, once, from the report
    filed under it when the collection holds one (its city as ingest read it), else from the gazetteer."""
    divisions = placed_divisions(question.text, question.original, question.english)
    if not divisions:
        return None
    english = question.english
    held = {d.region: d for d in docs if d.region}
    ours = [d for d in divisions if d.name in held]
    lines, shown = [], []
    for division in ours[:1] or divisions:
        doc = held.get(division.name)
        if doc is not None:
            shown.append(doc)
            line = report_fields.placed(doc, english)
        else:
            line = report_fields.placed_division(division, english)
            line = line and line + report_fields.words()["not_collected"]["en" if english else "zh"].format(
                region=region_en(division.name) if english else division.name)
        if line:
            lines.append(line)
    if not lines:
        return None
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined, True, "metadata", table=_table(shown) if shown else None)


def _listing(question: Question, docs: Sequence[Document]) -> Draft | None:
    """The reports of a province, a level or a year the collection holds ("库里河北的报告有哪些", "Which 2019
    reports does the collection hold?"); None for a plain listing (the metadata answerer's)."""
    english = question.english
    text = question.text
    selected = list(docs)
    what, what_en = [], []
    if (province := _province_named(text, question.original, english)) is not None:
        selected = [d for d in selected if _place(d, "province") == province]
        what.append(f"来自{province}")
        what_en.append(f"from {region_en(province)}")
    if (levels := _level_words(text)) is not None:
        word, allowed = levels
        selected = [d for d in selected if (_place(d, "level") or "") in allowed]
        what.append(f"{word}（{'、'.join(allowed)}）")
        what_en.append(f"at {word} level")
    if question.years:
        selected = [d for d in selected if d.year in question.years]
        what.append("、".join(f"{y}年度" for y in question.years))
        what_en.append("covering " + ", ".join(str(y) for y in question.years))
    if not what:
        return None  # the plain listing stays with the metadata answerer
    if not selected:
        none = report_fields.words()["none_held"]
        return Draft(none["en"].format(what=" ".join(what_en)) if english else none["zh"].format(what="".join(what)),
                     True, "metadata")
    if english:
        listing = "; ".join(label_en(d) for d in selected[:MAX_REPORTS])
        more = f" and {len(selected) - MAX_REPORTS} more" if len(selected) > MAX_REPORTS else ""
        head = f"The collection holds {len(selected)} report{'s' if len(selected) != 1 else ''} {' '.join(what_en)}"
        return Draft(f"{head}{': ' + listing + more if selected else ''}.", True, "metadata", table=_table(selected))
    by_level: dict[str, int] = {}
    for d in selected:
        by_level[_place(d, "level") or "级别不详"] = by_level.get(_place(d, "level") or "级别不详", 0) + 1
    detail = "，".join(f"{k}{v}份" for k, v in by_level.items())
    listing = "、".join(f"{label(d)}" for d in selected)
    head = f"收录的报告中{''.join(what)}的共{len(selected)}份"
    body = f"（{detail}）：{listing}" if selected else ""
    return Draft(f"{head}{body}。", True, "metadata", table=_table(selected))
