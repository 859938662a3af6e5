"""What kind of report it is (法治政府建设, 政府信息公开, other) and what kind of body issued it."""

from __future__ import annotations

import re

from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Division, Gazetteer

_HEAD_CHARS = 6000  # headings of the national 政府信息公开 format come early; enough to see them


def report_kind(title: str | None, text: str, filename: str | None) -> str | None:
    """The kind a title declares (other when it names none); without a title, the text's first part, then
    the file name; None when nothing is known."""
    words = meta_words()
    for source in ((title,) if title else (text[:_HEAD_CHARS], filename)):
        for kind, cues in words.kinds:
            if source and any(cue in source for cue in cues):
                return kind
    return words.other_kind if title else None


def issuer_level(issuer: str | None) -> str | None:
    """government, department, sub_district, town or party, by how the issuing body's name ends.

    Co-signers (中共X县委 X县人民政府) take the government's level when one of them is the government."""
    if not issuer:
        return None
    bodies = [b for b in re.split(r"\s+|、", issuer) if b]
    levels = [_level_of(b) for b in bodies]
    found = [level for level in levels if level]
    if not found:
        return None
    return "government" if "government" in found else found[-1]


def issuer_named(signal: str, text: str | None) -> str | None:
    """The issuing body a title or a "现将…报告如下" sentence names first, when it ends like a body."""
    m = meta_words().issuer_in[signal].search(text) if text else None
    if m is None:
        return None
    issuer = m.group("issuer").strip()
    bodies = [b for b in re.split(r"\s+|、", issuer) if b]
    if any(meta_words().self_body.match(b) for b in bodies):
        return None  # 现将本局…: the report speaks of itself; its name stands elsewhere
    if not (bodies and all(_level_of(b) and not _bare_ending(b) for b in bodies)):
        return None  # a body's ending alone (现将街道2025年…) names no body
    if signal == "title" and len(bodies) == 1:
        # "X街道2023年…报告": the title's subject is the place; its 街道办事处 (a town's 人民政府) reports for it.
        ending = next((e for e in meta_words().place_bodies if issuer.endswith(e)), None)
        if ending is not None and len(issuer) > len(ending) + 1:
            return issuer[: -len(ending)] + meta_words().place_bodies[ending]
    return issuer


def issuer_divisions(issuer: str, gazetteer: Gazetteer) -> tuple[list[Division], list[Division]]:
    """The divisions an issuer's name stands on once its body ending is cut off: by full name (城中区人民政府
    -> every 城中区, a name too common to be read from free text), and, for a sub-district, by short name
    (鼓楼街道 -> every 鼓楼区: a 街道 named like the district it lies in). Several when the name is shared."""
    full: list[Division] = []
    like: list[Division] = []
    for body in (b for b in re.split(r"\s+|、", issuer) if b):
        level = _level_of(body)
        ending = next((e for e in _endings(level) if body.endswith(e)), "") if level else ""
        name = body[: len(body) - len(ending)] if ending else body
        if len(name) < 2:
            continue
        if level != "town":
            full.extend(d for d in gazetteer.by_name(name) if d.name == name and d not in full)
        if level == "sub_district":
            like.extend(d for d in gazetteer.by_name(name) if d.short == name and d.level not in {"省", "市"})
        full.extend(d for d in _branch_district(body, gazetteer) if d not in full)
    return full, like


# A city bureau's branch named after the district it serves (上海市公安局长宁分局): that district's.
_BRANCH = re.compile(r"^(?P<city>\S{2,10}?[市州盟])\S{1,12}?局(?P<short>\S{2,4}?)分局$")


def _branch_district(body: str, gazetteer: Gazetteer) -> list[Division]:
    m = _BRANCH.match(body)
    if m is None:
        return []
    return [d for d in gazetteer.by_name(m.group("short")) if d.short == m.group("short")
            and m.group("city") in {d.city, d.province} and d.level not in {"省", "市"}]


def _endings(level: str) -> tuple[str, ...]:
    return tuple(sorted(dict(meta_words().issuer_levels)[level], key=len, reverse=True))


def _bare_ending(body: str) -> bool:
    return any(body in endings for _, endings in meta_words().issuer_levels)


def _level_of(body: str) -> str | None:
    for level, endings in meta_words().issuer_levels:
        if body.endswith(endings):
            return level
    return None
