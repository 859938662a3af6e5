"""Which division a report is about, from the signals a page offers, strongest first.

Each signal (title, signature, chrome, opening, index code, file name, body mentions) proposes the
division it names; the first that names one decides, with the signal as its source. Two checks keep a
report from being filed under a body it only mentions:
- the addressee (主送: 中共XX州委、XX州人民政府) names the HIGHER body, so it is never the subject
  itself, and it bounds the candidates the body proposes;
- a report that speaks of itself as 我县/全县 is about a county-level unit: a province or prefecture
  proposed by a weak signal is narrowed to the division inside it the text names most, or dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rag.domain.gazetteer import Division, Gazetteer

# How far each signal is trusted (a field's confidence is its source's).
CONFIDENCE = {
    "title": 0.95, "signature": 0.9, "chrome": 0.85, "opening": 0.8, "report_as_follows": 0.8,
    "index_code": 0.75, "filename": 0.7, "filename_pinyin": 0.6, "body": 0.6, "covered_period": 0.85,
    "published": 0.6, "site": 0.8, "issuer_name": 0.6, "announced": 0.8, "body_mentions": 0.55, "byline": 0.85,
    "compiled": 0.8, "gathered": 0.8, "above_title": 0.85, "self_named": 0.75, "opening_subject": 0.7,
    "town": 0.7,
}
STRONG = {"title", "signature"}  # signals that name their subject outright; a weaker one must fit the text
UNBOUNDED = STRONG | {"town"}  # signals whose division may be the addressee itself
UNCERTAIN_BELOW = 0.7  # a region from a signal trusted less is flagged for a person to check

# The levels a self-reference (我县, 我区, 我市 …) admits.
_SELF_LEVELS = {"县": {"县", "县级市"}, "区": {"区", "林区", "特区"}, "市": {"市", "县级市"}, "旗": {"旗"},
                "省": {"省"}}
_RANK = {"省": 0, "市": 1}  # everything else is county level (2)
_MIN_BODY_MENTIONS = 2
_FIRST_PERSON = "我本"  # 我县, 本区: the report speaks of itself; 全省 may be the wider unit's
_DOCUMENT_TITLE = re.compile(r"《[^》]{0,80}》")


@dataclass(frozen=True)
class RegionPick:
    divisions: tuple[Division, ...]  # one, or several sharing a name when nothing decides between them
    source: str

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.source] if len(self.divisions) == 1 else min(CONFIDENCE[self.source], 0.5)


def subject(gazetteer: Gazetteer, source: str) -> list[Division]:
    """The divisions a passage is about: its first named division, narrowed by names written right after
    it that lie inside it (北京市海淀区 -> 海淀区). Several divisions when the name is shared."""
    hits = gazetteer.find_spans(source)
    if not hits:
        return []
    offset = hits[0][1]
    current = [d for d, o, _ in hits if o == offset]
    length = hits[0][2]
    while True:
        end = offset + length
        names = {d.name for d in current}
        inner = [(d, n) for d, o, n in hits if o == end and (d.city in names or d.province in names)
                 and d.name not in names]
        if not inner:
            return current
        current, offset, length = [d for d, _ in inner], end, inner[0][1]


class RegionReader:
    """Proposals from one report's signals, checked against what the whole text says."""

    def __init__(self, gazetteer: Gazetteer, text: str, context: str, self_level: str | None,
                 bounds: list[Division], *, below_county: bool = False, weak_level: str | None = None) -> None:
        self.gazetteer, self.text, self.context = gazetteer, text, context
        self.self_level, self.bounds = self_level, bounds
        # The only level the text speaks of itself at, even once (全县): weighs body mentions only.
        self.weak_level = weak_level
        # Issued by a 街道 or 乡镇: the report is filed under the county-level division it lies in.
        self.below_county = below_county
        self._mentions: Counter[Division] | None = None

    def pick(self, signals: list[tuple[str, str | list[Division] | Callable[[], list[Division]] | None]]
             ) -> RegionPick | None:
        for source, value in signals:
            if callable(value):  # a signal that costs something to read: read only when the stronger ones said nothing
                value = value()
            if not value:
                continue
            if isinstance(value, str) and source not in STRONG:
                # A division named inside 《…》 names a document (《黑龙江省…实施方案》), not the report's subject.
                value = _DOCUMENT_TITLE.sub("", value)
            candidates = subject(self.gazetteer, value) if isinstance(value, str) else list(value)
            candidates = self._resolved(candidates)
            # A town's own county is often its addressee (慈溪市委、市政府： over a 街道's report): not bounded.
            candidates = [d for d in candidates if d not in self.bounds] if source not in UNBOUNDED else candidates
            if not candidates:
                continue
            fitted = self._fit(candidates, strong=source in STRONG)
            if fitted is None:
                continue
            chosen, narrowed = fitted
            if self.below_county and _RANK.get(chosen[0].level, 2) < 2:
                inner = self._most_mentioned(lambda d, names={c.name for c in chosen}: _RANK.get(d.level, 2) == 2
                                             and bool({d.city, d.province} & names), least=1)
                if inner is None:
                    continue  # a 街道's report naming only its city: its district comes from another signal
                chosen, narrowed = [inner], True
            return RegionPick(tuple(chosen), "body" if narrowed else source)
        body = self._from_body()
        if body is None and self.below_county:
            body = self._most_mentioned(lambda d: _RANK.get(d.level, 2) == 2 and d not in self.bounds, least=1)
        return RegionPick((body,), "body") if body else None

    def _resolved(self, candidates: list[Division]) -> list[Division]:
        if len(candidates) <= 1:
            return candidates
        resolved = self.gazetteer.resolve(candidates[0].name, self.context)
        return [resolved] if resolved in candidates else candidates

    def _fit(self, candidates: list[Division], *, strong: bool) -> tuple[list[Division], bool] | None:
        """The candidates as they are, or narrowed to the division inside them the text is about."""
        if self.self_level is None or _RANK.get(candidates[0].level, 2) == 2:
            return candidates, False
        allowed = _SELF_LEVELS.get(self.self_level, set())
        if candidates[0].level in allowed:
            return candidates, False
        inner = self._most_mentioned(lambda d: d.level in allowed and any(
            p in {c.name for c in candidates} for p in (d.city, d.province)))
        if inner is not None:
            return [inner], True
        return (candidates, False) if strong else None

    def _from_body(self) -> Division | None:
        """The division the text names most, inside the addressee's, at the level the text speaks of.

        A division named only once counts when it is the only one that fits and something else places the
        report at its level or under its parent: the text speaks of itself so (我县), or an addressee bounds it."""
        level = self.self_level or self.weak_level
        allowed = _SELF_LEVELS.get(level or "")
        bound = {b.name for b in self.bounds}

        def fits(d: Division) -> bool:
            inside = not bound or bool({d.city, d.province} & bound)
            return d.name not in bound and inside and (allowed is None or d.level in allowed)

        best = self._most_mentioned(fits)
        if best is None and (allowed is not None or bound):
            fitting = [d for d in self.mentions() if fits(d)]
            best = fitting[0] if len(fitting) == 1 else None
        return best

    def _most_mentioned(self, keep: Callable[[Division], bool], least: int = _MIN_BODY_MENTIONS) -> Division | None:
        counts = [(n, d) for d, n in self.mentions().items() if keep(d)]
        if not counts:
            return None
        counts.sort(key=lambda c: (-c[0], _RANK.get(c[1].level, 2) * -1))
        best, division = counts[0]
        if best < least or (len(counts) > 1 and counts[1][0] == best):
            return None
        return division

    def mentions(self) -> Counter[Division]:
        """How often the text names each division (a shared name counted for the one the text resolves)."""
        if self._mentions is None:
            counts: Counter[Division] = Counter()
            by_offset: dict[int, list[Division]] = {}
            for d, offset, _ in self.gazetteer.find_spans(self.text):
                by_offset.setdefault(offset, []).append(d)
            for divisions in by_offset.values():
                chosen = self._resolved(divisions)
                if len(chosen) == 1:
                    counts[chosen[0]] += 1
            self._mentions = counts
        return self._mentions


def self_level(text: str, references: dict[str, tuple[str, ...]], least: int = 3) -> str | None:
    """The level a report speaks of itself at (我县/全县 -> 县), when one clearly dominates; with `least=1`,
    the only level it speaks of itself at."""
    counts = sorted(((sum(text.count(w) for w in words), level) for level, words in references.items()),
                    reverse=True)
    (top, level), (second, _) = counts[0], counts[1]
    if least < 3:
        if top >= least and second == 0:
            return level
        # 全省/全市 in a county's report is the wider unit's ("全省法治政府建设示范县"); 我县/本县 is the
        # report's own voice, so a single level spoken of in the first person decides.
        first_person = {lvl for lvl, words in references.items()
                        if any(text.count(w) for w in words if w[0] in _FIRST_PERSON)}
        return first_person.pop() if len(first_person) == 1 else None
    return level if top >= least and top >= 2 * second else None
