"""A report's catalogue fields as answers state them: the value, where it was read, in Chinese or English.

The documents and metadata answerers both write fields through here (words in rag/data/report_answers.yaml),
so an issuer read from a title says so the same way in a one-field and a two-field answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from rag.answering.format import division_en, label, label_en, region_en
from rag.domain.gazetteer import load_gazetteer
from rag.question.places import Place, place_of
from rag.schema import Document

PLACE_FIELDS = ("province", "city", "level")
NOTED_FIELDS = ("source_office", "publisher", "period")  # no column: their value stands in the provenance


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(resources.files("rag").joinpath("data", "report_answers.yaml").read_text(encoding="utf-8"))


def field_name(name: str, english: bool) -> str:
    return words()["fields"][name]["en" if english else "zh"]


def value_of(doc: Document, name: str) -> str | None:
    """A catalogue field; province, city and level completed from the gazetteer when ingest left them empty."""
    value = getattr(doc, name, None)
    if name in NOTED_FIELDS:  # a field kept in its provenance (the page's 来源 office)
        value = (doc.provenance.get(name) or {}).get("value")
    if value or name not in PLACE_FIELDS or not doc.region:
        return str(value) if value else None
    found = load_gazetteer().by_name(doc.region)
    return getattr(found[0], name, None) if found else None


def asked_words(q) -> str:
    """The question as asked, without the English names of its regions: "Linxia City's report" asks no city."""
    out = q.original
    if q.english:
        for region in q.regions:
            named = region_en(region).split(" (")[0]
            if named and named != region:
                out = re.sub(re.escape(named), " ", out, flags=re.I)
    return out


def cn_date(iso: str) -> str:
    y, m, d = (int(p) for p in iso.split("-"))
    return f"{y}年{m}月{d}日"


def date_shown(doc: Document, name: str, value: str, english: bool) -> str:
    """A report's date: in the form the page prints it in its information bar (发布日期:2026-01-12, so a reader
    finds it there), else in words (2026年1月12日, as a signature writes it)."""
    printed = (doc.provenance.get(name) or {}).get("printed") == value
    return value if english or printed else cn_date(value)


def shown(doc: Document, name: str, english: bool) -> str | None:
    """The field as an answer writes it: dates in words, names in English with their Chinese beside them."""
    value = value_of(doc, name)
    if value is None:
        return None
    if name in {"date", "published"}:
        return date_shown(doc, name, value, english)
    if name == "period":  # "2019-01-01/2019-12-20"
        start, end = value.split("/")
        return f"{start} to {end}" if english else f"{cn_date(start)}至{cn_date(end)}"
    if name == "kind":
        return kind_shown(value, english)
    if english and name in {"province", "city"}:
        return region_en(value)
    if english and name in {"issuer", "addressee", "source_office", "publisher"}:
        return body_en(value)
    if english and name == "year":
        return value
    return f"{value}年" if name == "year" else value


def kind_shown(kind: str, english: bool) -> str:
    """"政府信息公开" -> "政府信息公开工作年度报告" / "government information disclosure annual report (…)"."""
    kinds = words()["kinds"]
    named = kinds.get("其他" if kind == "other" else kind)
    return named["en" if english else "zh"] if named else kind


def source_note(doc: Document, name: str, english: bool) -> str:
    """Where a field was read when not from the report's own text: "（取自报告标题）", " (read from …)"."""
    source = (doc.provenance.get(name) or {}).get("source")
    note = words()["sources"].get(source or "")
    if not note:
        return ""
    return f" ({note['en']})" if english else f"（{note['zh']}）"


def not_stated(english: bool) -> str:
    return words()["not_stated"]["en" if english else "zh"]


def says_none(doc: Document, name: str, english: bool) -> str:
    """"X报告未写明落款单位", "Liling City (醴陵市), 2024 report: the report does not state its issuer"."""
    template = words()["report_says_none"]["en" if english else "zh"]
    field = words()["missing_en"].get(name) if english else None
    return template.format(report=label_en(doc) if english else label(doc), field=field or field_name(name, english))


def placed(doc: Document, english: bool) -> str | None:
    """The report's region in its province and city, from the gazetteer: "醴陵市属于湖南省株洲市"."""
    if not doc.region:
        return None
    return _placed(doc.region, value_of(doc, "city"), value_of(doc, "province"), english)


def placed_division(division, english: bool) -> str | None:
    """A division the collection holds no report of, placed in its city and province from the gazetteer."""
    return _placed(division.name, division.city, division.province, english)


def _placed(name: str, city: str | None, province: str | None, english: bool) -> str | None:
    parts = [p for p in dict.fromkeys((city, province)) if p and p != name]
    if not parts:
        return None
    template = words()["placed"]["en" if english else "zh"]
    if english:
        return template.format(region=region_en(name), chain=", ".join(region_en(p) for p in parts))
    return template.format(region=name, chain="".join(reversed(parts)))


def body_en(name: str) -> str:
    """An issuing or receiving body in English with its Chinese beside it, when its parts are known:
    "醴陵市人民政府" -> "Liling City People's Government (醴陵市人民政府)"; otherwise the Chinese name."""
    parts = [p for p in name.replace("、", " ").split() if p]
    english = [_one_body_en(p) for p in parts]
    if any(e is None for e in english):
        return name
    return " and ".join(english) + f" ({name})"  # type: ignore[arg-type]


def _one_body_en(body: str) -> str | None:
    for prefix, english in words()["body_prefixes"].items():
        if body.startswith(prefix) and len(body) > len(prefix):
            rest = _one_body_en(body[len(prefix):])
            return f"{english} {rest}" if rest else None
    gazetteer = load_gazetteer()
    end, division = 0, None
    for d, offset, length in gazetteer.find_spans(body):
        if offset != end:
            break
        end, division = offset + length, d
    rest = body[end:]
    ending = words()["bodies"].get(rest)
    if ending is None:
        return _place_body_en(rest, division)
    if division is None:
        return ending
    return f"{division_en(division)} {ending}".replace("  ", " ")


def _place_body_en(rest: str, division) -> str | None:
    """A 街道's or township's body after its division's name: 宁海路街道办事处 -> Ninghailu Subdistrict Office."""
    place = place_of(rest)
    ending = words()["bodies"].get(rest[len(place.stem):]) if place and rest.startswith(place.stem) else None
    if place is None or ending is None:
        return None
    lead = f"{division_en(division)} " if division else ""
    return f"{lead}{place.pinyin.capitalize()} {ending}".replace("  ", " ")


def place_en(place: Place) -> str:
    """"Ninghailu Subdistrict (宁海路街道)": the stem's pinyin and the English of its ending."""
    ending = words()["bodies"].get(place.name[len(place.stem):], "")
    return f"{place.pinyin.capitalize()} {ending} ({place.name})".replace("  ", " ")
