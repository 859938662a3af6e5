"""Places an English question names that the store holds no report of ("Wenjiang District, Chengdu").

A region the store knows is found by its pinyin (understanding.RegionMatcher). A place it does not know must
still be seen as a place: otherwise the question has no region, is searched across every report, and is
answered with another region's figure. A capitalised name before a county-level or higher word (District,
County, City, Banner, Prefecture, Province) is such a place: its Chinese name when the gazetteer spells it
so at that level, else the name as the user wrote it, so the refusal can name it.
"""

from __future__ import annotations

import re

from rag.domain.gazetteer import load_gazetteer

# County level and above: a town or sub-district below them is looked for in the reports' text instead
# (rag/question/places.py).
_LEVEL_WORDS = {"district": {"区"}, "county": {"县"}, "city": {"市", "县级市"}, "banner": {"旗"},
                "prefecture": {"市"}, "province": {"省"}, "municipality": {"省"}}
_PLACE = re.compile(r"\b((?:[A-Z][a-z'’]+)(?:[ -][A-Z][a-z'’]+)?)\s+(District|County|City|Banner|Prefecture|"
                    r"Province|Municipality)\b")
# Capitalised words that start a sentence or name an office, not a place ("Which District …").
_NOT_NAMES = {"which", "what", "how", "the", "each", "every", "this", "that", "its", "their", "a", "an", "one",
              "any", "some", "all", "both", "people's", "peoples", "party", "municipal", "autonomous", "new"}


# A place whose body a question names ("Yibin's health commission", "the Yibin health commission"): the
# capitalised name before the body's name, its possessive or a level word between them.
_OWNER_LEVELS = r"(?:Municipal|Provincial|City|County|District)"
_OWNER = re.compile(rf"\b([A-Z][a-z'’]+(?:[ -](?!{_OWNER_LEVELS}\b)[A-Z][a-z'’]+)?)(?:['’]s)?\s+"
                    rf"(?:{_OWNER_LEVELS}\s+)?$")
_POSSESSIVE = re.compile(r"\b([A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+)?)['’]s\b")
_MIN_SPELLED = 4  # letters: shorter words (Li's, Xu's) are more often a person's name than a place's


def unknown_english_places(original: str, known: list[str]) -> list[str]:
    """Places named in English (`original`, as the user wrote it) that are none of the `known` regions."""
    gazetteer = load_gazetteer()
    found: list[str] = [name for name in _owners(original) if name not in known]
    for m in _PLACE.finditer(original):
        name, level = m.group(1), m.group(2).lower()
        if name.split()[0].lower() in _NOT_NAMES:
            continue
        spelled = re.sub(r"[ '’-]", "", name).lower()
        divisions = [d for d in gazetteer.by_pinyin(spelled) if d.level in _LEVEL_WORDS[level]]
        if any(d.name in known for d in divisions):
            continue
        place = divisions[0].name if len(divisions) == 1 else f"{name} {m.group(2)}"
        if place not in found:
            found.append(place)
    return found


def _owners(original: str) -> list[str]:
    """Divisions a question names as the owner of a body or a figure ("Yibin's health commission", "the Yibin
    health commission"): by the exact pinyin of a current division (any level but a town's), its Chinese name
    when one division is spelled so, else the name as written. A word no division is spelled as names none."""
    from rag.domain.intents import load_intents

    gazetteer = load_gazetteer()
    names = [m.group(1) for m in _POSSESSIVE.finditer(original)]
    for m in load_intents().body_english.finditer(original):
        if owner := _OWNER.search(original[:m.start()]):
            names.append(owner.group(1))
    found: list[str] = []
    for name in names:
        if name.split()[0].lower() in _NOT_NAMES:
            continue
        spelled = re.sub(r"[ '’-]", "", name).lower()
        divisions = [d for d in gazetteer.by_pinyin(spelled) if d.current] if len(spelled) >= _MIN_SPELLED else []
        if divisions:
            found.append(divisions[0].name if len({d.name for d in divisions}) == 1 else name)
    return list(dict.fromkeys(found))
