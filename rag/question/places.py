"""Places below a county (街道, 乡, 镇) that issued reports of their own, found in a question.

The gazetteer stops at county level, so "宁海路街道在哪个区" names no region the store knows; but a report
issued by that sub-district is filed under its district. A question naming the issuing place (in full, by
its name before 街道/镇/乡, or by that name's pinyin in an English question) is about that report's region.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from rag.domain.gazetteer import Division, load_gazetteer
from rag.domain.intents import load_intents
from rag.domain.towns import load_towns
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
        # Every place the word ends, not only the first: 湖镇镇 ends at its second 镇.
        for m in re.finditer(re.escape(word), issuer):
            if m.start() < _MIN_NAME:
                continue
            stem = _without_divisions(issuer[:m.start()].split()[-1])
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


def places_named(text: str, original: str, documents: Iterable[Document],
                 counties: Sequence[Division] = ()) -> list[Place]:
    """The issuing places below county level a question names, with the region their report is filed under;
    when the question names the county (溧水区白马镇), only a place filed under it."""
    issuers = tuple(sorted({(issuer, d.region) for d in documents if d.region and (issuer := _issuing(d))}))
    if not issuers:
        return []
    lowered = original.lower()
    return [place for place in _places(issuers) if _names(text, lowered, place) and lies_in(place, counties)]


# The issuer a title leads with: the words before the year or 关于 ("X区Y街道2022年…报告").
_TITLE_LEAD = re.compile(r"^\s*(\S{2,30}?)(?:人民政府|办事处)?\s*(?:关于|(?:19|20)\d{2}\s*年)")


def _issuing(doc: Document) -> str | None:
    """The 乡镇 or 街道 whose report this is: its issuer, or, when nobody below the county signed, the office
    its page gives as the source (来源：X镇人民政府) or the body its title leads with."""
    if doc.issuer and doc.issuer_level in _BELOW:
        return doc.issuer
    if doc.issuer_level is not None and doc.issuer_level not in _BELOW:
        return None  # a government's, department's or party's report
    office = str((doc.provenance.get("source_office") or {}).get("value") or "")
    lead = m.group(1) if (m := _TITLE_LEAD.match(doc.title or "")) else ""
    endings = load_intents().below_county
    for name in (office, lead):
        bare = re.sub(r"(?:人民政府|办事处)$", "", "".join(name.split()))
        if bare.endswith(endings) and place_of(bare) is not None:
            return bare
    return None


def _names(text: str, lowered: str, place: Place) -> bool:
    if place.name in text:
        return True
    at = text.find(place.stem)
    if at >= 0 and text.startswith(load_intents().below_county, at + len(place.stem)):
        return True  # 宁海路街办: the stem and another ending of a place below county
    if len(place.pinyin) >= 4 and re.search(rf"\b{re.escape(place.pinyin)}\b", lowered):
        return True
    return _named_in_english(lowered, place)


def _named_in_english(lowered: str, place: Place) -> bool:
    """"Huaihe Road sub-district", "Xu Zhuang town": the place's syllables (spaced or not, its last ones
    perhaps an English word: road for 路) before a kind word that fits its ending (town for 镇)."""
    words = _english_place_words()
    kinds, name_words = words["place_kinds"], words["place_name_words"]
    syllables = [s.lower() for s in lazy_pinyin(place.stem)]
    if len("".join(syllables)) < 4:
        return False
    fitting = [k for k, endings in kinds.items() if place.name.endswith(tuple(endings))]
    if not fitting:
        return False
    for cut in range(len(syllables), 0, -1):
        head, tail = syllables[:cut], "".join(syllables[cut:])
        english = [w for w, py in name_words.items() if py == tail] if tail else [""]
        for word in english:
            name = r"[\s'’-]?".join(map(re.escape, head)) + (rf"\s+{re.escape(word)}" if word else "")
            kind = "|".join(re.escape(k) for k in sorted(fitting, key=len, reverse=True))
            if re.search(rf"\b{name}\s*(?:{kind})\b", lowered):
                return True
    return False


@lru_cache(maxsize=1)
def _english_place_words() -> dict:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("rag").joinpath("data", "english.yaml").read_text(encoding="utf-8"))
    return data["questions"]


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


# A county-level division's levels in the gazetteer: a place below one lies in one of these.
COUNTY_LEVELS = frozenset({"区", "县", "县级市", "旗", "林区", "特区"})
_NAME = r"((?:[A-Z][a-z'’]+[ -]){0,2}[A-Z][a-z'’]+)"
# Capitalised words that start a sentence or ask, not a place's name ("Which township …").
_NOT_NAMES = {"which", "what", "how", "the", "each", "every", "this", "that", "its", "their", "a", "an", "one",
              "any", "some", "all", "both", "in", "of", "did", "does", "do", "has", "have", "is", "was", "for"}


@dataclass(frozen=True)
class SaidPlace:
    """A place below a county an English question names: "Sandu town (X County)"."""

    written: str  # "Sandu town", as the user wrote it
    spelled: str  # sandu
    endings: tuple[str, ...]  # the endings its Chinese name may have: 镇, 乡
    counties: tuple[Division, ...]  # the county-level division it is said to lie in, when the question says


@lru_cache(maxsize=1)
def _said_pattern() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = _english_place_words()
    kinds = "|".join(re.escape(k) for k in sorted(words["place_kinds"], key=len, reverse=True))
    levels = "|".join(re.escape(k) for k in words["place_county"])
    place = re.compile(rf"\b{_NAME}\s+((?i:{kinds}))\b")
    # (matched at the end of the kind word: no ^, which would only match at the start of the question)
    county = re.compile(rf"\s*(?i:office\s+)?(?:,\s*)?(?:(?i:in|of|under)\s+(?i:the\s+)?|\()"
                        rf"([A-Z][a-z'’]+(?:[ -](?!(?i:{levels})\b)[A-Z][a-z'’]+)?)(?:\s+((?i:{levels})))?\b")
    return place, county


_LISTED = re.compile(r"\s*(?:the\s+)?([A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+)?)(?:\s+(?:in|of)\s+([A-Z][a-z'’]+(?:[ -][A-Z]"
                     r"[a-z'’]+)?)(?:\s+([A-Za-z]+))?)?\s*[?.!]?\s*")
_LIST_BREAK = re.compile(r",|;|\bor\b|\band\b|\bvs\.?|\bversus\b")


def said_places(original: str) -> list[SaidPlace]:
    """The places below a county an English question names by pinyin and a kind word, with their county; or
    the names it lists after asking which of a kind ("Which township …: Daxing in X or Jianxin in Y?")."""
    return _named_with_kind(original) or _listed_after_kind(original)


def _listed_after_kind(original: str) -> list[SaidPlace]:
    words = _english_place_words()
    kinds = "|".join(re.escape(k) for k in sorted(words["place_kinds"], key=len, reverse=True))
    m = re.search(rf"\b(?i:which|what)\s+((?i:{kinds}))\b", original)
    if m is None:
        return []
    rest = original[m.end():]
    rest = rest.split(":", 1)[1] if ":" in rest else rest.rsplit(",", 1)[-1] if "," in rest else ""
    parts = [p for p in _LIST_BREAK.split(rest) if p.strip()]
    listed = [_LISTED.fullmatch(p) for p in parts]
    if len(listed) < 2 or not all(listed):
        return []
    out = []
    for hit in listed:
        name = hit.group(1)  # type: ignore[union-attr]
        if name.split()[0].lower() in _NOT_NAMES:
            return []
        county = hit.group(2)  # type: ignore[union-attr]
        counties = county_divisions(county, hit.group(3)) if county else ()  # type: ignore[union-attr]
        out.append(SaidPlace(name, re.sub(r"[\s'’-]", "", name).lower(),
                             tuple(words["place_kinds"][m.group(1).lower()]), counties))
    return out


def _named_with_kind(original: str) -> list[SaidPlace]:
    words = _english_place_words()
    place_re, county_re = _said_pattern()
    out: list[SaidPlace] = []
    for m in place_re.finditer(original):
        name = m.group(1)
        while name and name.split()[0].lower() in _NOT_NAMES:  # "Which Daxing town": the name after the word
            name = name.split(" ", 1)[1] if " " in name else ""
        if not name or not name[0].isupper():
            continue
        kind = m.group(2).lower()
        counties: tuple[Division, ...] = ()
        if (c := county_re.match(original, m.end())) and c.group(1)[0].isupper():
            counties = county_divisions(c.group(1), c.group(2))
        spelled = re.sub(r"[\s'’-]", "", name).lower()
        out.append(SaidPlace(f"{name} {m.group(2)}", spelled, tuple(words["place_kinds"][kind]), counties))
    return out


def county_divisions(name: str, level: str | None = None) -> tuple[Division, ...]:
    """County-level divisions spelled so in pinyin ("Pujiang", "Weng'an"), of the level word when one is given."""
    allowed = COUNTY_LEVELS
    if level:
        allowed = frozenset(_english_place_words()["place_county"].get(level.lower(), ())) or COUNTY_LEVELS
    spelled = re.sub(r"[\s'’-]", "", name).lower()
    return tuple(d for d in load_gazetteer().by_pinyin(spelled) if d.level in allowed and d.current)


def counties_named(text: str, said: Sequence[SaidPlace] = ()) -> list[Division]:
    """The county-level divisions a question names: in Chinese (溧水区白马镇), or as the county an English
    place is said to lie in."""
    named = [d for d, _ in load_gazetteer().find_in(text) if d.level in COUNTY_LEVELS]
    named += [d for p in said for d in p.counties]
    return list(dict.fromkeys(named))


def lies_in(place: Place, counties: Sequence[Division]) -> bool:
    """Whether a place whose report is filed under `place.region` may be the one a question names in one of
    `counties` (no county named: any). A place no report is filed under lies where the gazetteer puts its name."""
    if not counties:
        return True
    if place.region:
        return any(place.region == d.name for d in counties)
    return any(d.code in load_towns().counties.get(place.name, ()) for d in counties)


def english_below(original: str, documents: Iterable[Document], mentions: Callable[[str], bool] | None,
                  ) -> tuple[list[str], list[str]]:
    """The places below a county an English question names, as the reports write them (三都镇 for "Sandu
    town"), and those no report names (in Chinese where the gazetteer spells one name so, else as written).

    A name is read by its exact tone-less syllables: a report's own issuer first (filed under a region or not),
    then the township names of the gazetteer of that spelling and kind (in the county the question gives)
    that a report's text holds (`mentions`)."""
    said = said_places(original)
    if not said:
        return [], []
    issuers = _issuing_places(documents)
    towns = load_towns()
    found: list[str] = []
    unfound: list[str] = []
    for p in said:
        lowered = p.written.lower()
        own = [q.name for q in issuers if (_named_in_english(lowered, q) or (
            q.pinyin == p.spelled and q.name.endswith(p.endings))) and lies_in(q, p.counties)]
        if own:
            found += own
            continue
        spelled = [n for n in towns.by_pinyin(p.spelled) if n.endswith(p.endings)
                   and (not p.counties or any(d.code in towns.counties[n] for d in p.counties))]
        named = [n for n in spelled if mentions is None or mentions(n)]
        if named:
            found += named
        else:
            unfound.append(spelled[0] if len(spelled) == 1 else p.written)
    return list(dict.fromkeys(found)), list(dict.fromkeys(unfound))


def _issuing_places(documents: Iterable[Document]) -> tuple[Place, ...]:
    """Every issuing place below county level, with its report's region ("" when it was not recognised)."""
    issuers = tuple(sorted({(issuer, d.region or "") for d in documents if (issuer := _issuing(d))}))
    return _places(issuers) if issuers else ()
