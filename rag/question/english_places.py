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


def unknown_english_places(original: str, known: list[str]) -> list[str]:
    """Places named in English (`original`, as the user wrote it) that are none of the `known` regions."""
    gazetteer = load_gazetteer()
    found: list[str] = []
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
