"""Township-level units (乡, 镇, 街道, 苏木, 办事处) and the county-level division each lies in.

A 街道's or 乡镇's own report often never names its district: it speaks of 区委、区政府 and signs as the
街道. Its name then places it. The data is `data/gazetteer_towns.csv` (built by `data/build_gazetteer.py
--towns`, from the 国家统计局 统计用区划代码): one row per (name, county), so a name shared by several towns
(徐庄镇 lies in four counties) lists them all, and the caller decides with what else the text says.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rag.domain.gazetteer import Division, Gazetteer

# Where a township-level name ends; a name is looked for ending at each of these.
_ENDING = re.compile(r"街道|街(?!道)|镇|乡|苏木|办事处")
_LONGEST = 10  # characters: 新疆生产建设兵团…办事处 aside, town names are shorter
_SHORTEST = 3
# The county-level unit's own party committee or government a report answers to (在区委、区政府领导下):
# which level the town's county is.
_PARENT_LEVEL = re.compile(r"(区|县|市|旗)(?:委|人民政府|政府)")
_LEVELS = {"区": {"区"}, "县": {"县"}, "市": {"县级市"}, "旗": {"旗"}}


@dataclass(frozen=True)
class Towns:
    counties: dict[str, tuple[str, ...]]  # town name -> codes of the county-level units holding one
    spelled: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tone-less pinyin of the name's stem -> names

    def by_pinyin(self, spelled: str) -> tuple[str, ...]:
        """The towns whose name without its ending is spelled so (sandu -> 三都镇, 三都乡, 三渡镇 …): the exact
        syllables, never a near spelling (Hangzhou is not Guangzhou)."""
        return self.spelled.get(re.sub(r"[\s'’-]", "", spelled).lower(), ())

    def named_in(self, text: str) -> list[str]:
        """The township-level names in `text`, in order, each the longest known name ending at its suffix."""
        return [name for name, _ in self._named(text)]

    def _named(self, text: str) -> list[tuple[str, bool]]:
        """Each name with whether the text wrote it short: a 街道 often calls itself X街 (白云街在…)."""
        found: dict[str, bool] = {}
        for m in _ENDING.finditer(text):
            end = m.end()
            short = m.group() == "街"
            for start in range(max(0, end - _LONGEST), end - _SHORTEST + 1):
                name = text[start:end] + ("道" if short else "")
                if name in self.counties:
                    found.setdefault(name, short)
                    found[name] = found[name] and short
                    break
        return list(found.items())

    def first_in(self, text: str, code: str) -> str | None:
        """The first township `text` names in full that lies in the division of `code`."""
        return next((name for name, short in self._named(text) if code in self.counties[name] and not short), None)

    def place(self, text: str, context: str, gazetteer: Gazetteer) -> list[Division]:
        """The county-level division the first township named in `text` lies in, when one stands out.

        A shared name is narrowed by the `context` (the whole report): its county, city or province named
        there, then the county level the report answers to (区委 → a 区). Nothing when still ambiguous. A
        name written short (X街 for X街道, an everyday word in many streets' names) counts only when the
        text also names its county or city."""
        for name, short in self._named(text):
            candidates = [d for code in self.counties[name] if (d := gazetteer.by_code(code)) is not None]
            if short:
                candidates = [d for d in candidates if _named_place(d, context)]
            if len(candidates) > 1:
                candidates = _narrowed(candidates, context)
            if len(candidates) == 1:
                return candidates
        return []


def _named_place(d: Division, context: str) -> bool:
    """Whether the text names the county (or its city) a township lies in."""
    return d.name in context or (len(d.short) >= 2 and d.short in context) or bool(d.city and d.city in context)


def _narrowed(candidates: list[Division], context: str) -> list[Division]:
    for named in (lambda d: d.name in context or (len(d.short) >= 2 and d.short in context),
                  lambda d: bool(d.city) and (d.city in context or d.city[:2] in context),
                  lambda d: bool(d.province) and d.province[:2] in context):
        kept = [d for d in candidates if named(d)]
        if kept:
            candidates = kept
            if len(kept) == 1:
                return kept
    levels = {lvl for m in _PARENT_LEVEL.finditer(context) for lvl in _LEVELS[m.group(1)]}
    if len(levels) == 1:
        kept = [d for d in candidates if d.level in levels]
        if kept:
            return kept
    return candidates


@lru_cache(maxsize=1)
def load_towns() -> Towns:
    """The bundled township table, read once per process."""
    text = resources.files("rag").joinpath("data", "gazetteer_towns.csv").read_text(encoding="utf-8")
    counties: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        counties[row["name"]].append(row["county"])
        if row["name"] not in spelled[row["pinyin"]]:
            spelled[row["pinyin"]].append(row["name"])
    return Towns({name: tuple(codes) for name, codes in counties.items()},
                 {key: tuple(names) for key, names in spelled.items()})
