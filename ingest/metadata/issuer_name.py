"""An issuer's name as the body signs it.

Pages run their chrome into the name a title or a 发布机构 cell gives (a site's 无障碍 or 关爱版 button, a column's
政府信息公开, a label's 有效性), titles put the year first (2021年X局…), and signatures often name a body by its
level alone (市人民政府, 县司法局, 省卫生健康委): the catalogue and every answer that says whose figure it is should
show the body's own name. `tidy_issuer` cuts what stands before the place a body is named after; `complete_issuer`
puts the report's own place before a body named by its level.
"""

from __future__ import annotations

import re

from ingest.metadata.kind import issuer_level
from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Gazetteer
from rag.domain.towns import load_towns

_SEPARATOR = re.compile(r"(\s+|、)")
_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_LONGEST_NAME = 10  # characters of a division's or township's full name
_LEVEL_CHARS = "省市县区州旗盟"
_PARTY = "中共"


def tidy_issuer(issuer: str, gazetteer: Gazetteer) -> str:
    """`issuer` with a year and page chrome cut off the front of each of its bodies."""
    return "".join(_tidy_body(part, gazetteer) if part.strip() and part != "、" else part
                   for part in _SEPARATOR.split(issuer))


def complete_issuer(issuer: str, places: list[str | None]) -> str:
    """`issuer` with each body named by its level alone (县司法局) given the first of `places` (the report's region,
    city, province) of that level: 攸县司法局. A party body (县委) stays: its form varies."""
    return "".join(_completed(part, places) if part.strip() and part != "、" else part
                   for part in _SEPARATOR.split(issuer))


def _tidy_body(body: str, gazetteer: Gazetteer) -> str:
    body = _YEAR.sub("", body).strip() or body
    if body.startswith(_PARTY) or _division_at(body, 0, gazetteer):
        return body
    for start in range(1, len(body) - 1):
        prefix, rest = body[:start], body[start:]
        # A county or higher division's name starts the body unless what stands before it is itself a body
        # (国家税务总局X县税务局); a township's name only after page chrome the words list (主动公开澧浦镇人民政府),
        # since a 街道's own name often ends in another's (银杏大街街道 holds 大街街道).
        at_division = _division_at(body, start, gazetteer) and issuer_level(prefix) is None
        at_town = prefix in meta_words().issuer_chrome and _town_at(body, start)
        if (at_division or at_town) and issuer_level(rest) is not None:
            return rest
    return body


def _division_at(body: str, start: int, gazetteer: Gazetteer) -> bool:
    return any(any(d.name == name for d in gazetteer.by_name(name))
               for name in (body[start : start + n] for n in range(2, min(_LONGEST_NAME, len(body) - start) + 1)))


def _town_at(body: str, start: int) -> bool:
    towns = load_towns().counties
    return any(body[start : start + n] in towns for n in range(2, min(_LONGEST_NAME, len(body) - start) + 1))


def _completed(body: str, places: list[str | None]) -> str:
    rest = body[1:]
    if body[0] not in _LEVEL_CHARS or len(rest) < 2 or issuer_level(body) in {None, "party"}:
        return body
    place = next((p for p in places if p and p.endswith(body[0])), None)
    return place + rest if place else body
