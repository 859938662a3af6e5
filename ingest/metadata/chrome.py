"""Page chrome: the labelled fields a government site prints around a report.

"发布机构：X县司法局  索引号：11xxxx…  文号：X府〔2023〕1号". A label's value runs to the next label on
the line; an empty value (a label the site left blank) is no value. Only short lines near the top and
the bottom of the page are read, so a body sentence's 来源: is never taken for the page's.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Division, Gazetteer

_BODIES = ("issuer", "source_office")  # fields whose value is a body's name
_EDGE_LINES = 40  # lines read at the top and at the bottom of a page
_MAX_LINE = 160
# A unified social credit code: 2 characters, the issuer's 6-digit division code, 9 more, a check character.
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}(\d{6})[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_LEADING_CODE = re.compile(r"^(\d{6})(?!\d)")
_DOC_NUMBER = re.compile(r"[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*\d+\s*号")


def read_chrome(lines: list[str]) -> dict[str, str]:
    """The first non-empty value of each chrome field (issuer, source_office, index_code, doc_number) on the
    page's edges."""
    words = meta_words()
    field_of = words.field_of
    edges = lines[:_EDGE_LINES] + lines[max(_EDGE_LINES, len(lines) - _EDGE_LINES):]
    found: dict[str, str] = {}
    for line in edges:
        norm = unicodedata.normalize("NFKC", line).strip()
        if len(norm) > _MAX_LINE:
            continue
        marks = list(words.label_pattern.finditer(norm)) or _row_cells(norm) or _glued(norm)
        for k, m in enumerate(marks):
            name = field_of.get(re.sub(r"\s+", "", m.group(1)))
            end = marks[k + 1].start() if k + 1 < len(marks) else len(norm)
            value = norm[m.end():end].strip(" \t|丨│/")
            if name and name not in found and _valid(name, value):
                found[name] = re.sub(r"\s+", "", value) if name not in _BODIES else value.split()[0]
    return found


def _row_cells(norm: str) -> list[re.Match[str]]:
    """Labels without colons, read only as a row of cells: two labels or more on the line, one of them a
    field's label of three characters or more ("发布机构 X区司法局 组配分类 年报", "| 索引号 | … | 发文字号 | |"),
    so a sentence's 来源 or 时间 is never a label."""
    words = meta_words()
    cells = list(words.bare_label_pattern.finditer(norm))
    labels = [re.sub(r"\s+", "", m.group(1)) for m in cells]
    if len(cells) < 2 or not any(words.field_of.get(w) not in (None, "other") and len(w) >= 3 for w in labels):
        return []
    return cells


_GLUED_LINE = 60


def _glued(norm: str) -> list[re.Match[str]]:
    """A short line that is one label run into its value, as some sites print a list of fields."""
    m = meta_words().glued_label_pattern.match(norm) if len(norm) <= _GLUED_LINE else None
    return [m] if m else []


def is_label_line(line: str) -> bool:
    """A line that is chrome labels and their values only: a row of cells, or a label standing alone (有效性)."""
    norm = unicodedata.normalize("NFKC", line).strip(" \t|丨│")
    if not norm or len(norm) > _MAX_LINE:
        return False
    words = meta_words()
    return bool(words.bare_label_pattern.fullmatch(norm) or words.label_pattern.match(norm)
                or _row_cells(norm) or _glued(norm))


_SITE_LINE = 40


def site_name(lines: list[str]) -> str | None:
    """The site a page was published on ("XX市XX区人民政府网站", or a 来源 naming a 网), from its edges."""
    words = meta_words()
    edges = lines[:_EDGE_LINES] + lines[max(_EDGE_LINES, len(lines) - _EDGE_LINES):]
    for line in edges:
        norm = re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))
        if len(norm) > _SITE_LINE:
            continue
        for part in re.split(r"[|丨│/>›»:：]", norm):
            if part.endswith(words.site_endings) and len(part) > 3:
                return part
    return None


def _valid(name: str, value: str) -> bool:
    if not value:
        return False
    if name in _BODIES:
        first = value.split()[0]
        return 2 <= len(first) <= 40 and bool(re.search(r"[\u3400-\u9fff]", first)) and not first.endswith("网")
    if name == "index_code":
        return bool(re.search(r"\d{4}", value))
    if name == "doc_number":
        return bool(_DOC_NUMBER.search(value))
    return True


def division_of_index(index_code: str, gazetteer: Gazetteer) -> Division | None:
    """The division whose 6-digit code an 索引号 holds (a credit code's digits 3-8, or the leading six)."""
    compact = re.sub(r"\s+", "", index_code.upper())
    m = _CREDIT_CODE.search(compact) or _LEADING_CODE.match(re.sub(r"\s+", "", index_code))
    return gazetteer.by_code(m.group(1)) if m else None
