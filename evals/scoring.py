"""Scoring of one gold item against one response, by the rules of CONTRACT.md's Gold Q&A section.

Pure functions: no I/O, no imports from the system under test beyond its public response model, so
the ruler stays independent of what it measures (rag/ has its own number matching; we do not reuse it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.schema import AskResponse

# Only the first RANK_DEPTH ranked passages count for the evidence rank, so MRR and hit@k stay
# comparable when a retriever returns a longer list than the protocol promises.
RANK_DEPTH = 10

# An entry made of digits, an optional decimal part and an optional percent sign is a number, and a
# number must stand alone. Applied after normalize(), so full-width digits are ASCII by then.
_NUMBER_ENTRY = re.compile(r"[0-9]+(?:\.[0-9]+)?%?")
_STRIP = re.compile(r"[\s*]+")

Entry = str | int | float | Sequence[str | int | float]


def normalize(s: str) -> str:
    """NFKC, then drop all whitespace and `*` (markdown bold must not hide a number)."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", s))


def _is_number(entry: str) -> bool:
    return _NUMBER_ENTRY.fullmatch(entry) is not None


def _occurs(text: str, entry: str) -> bool:
    """Whether one normalised entry occurs in normalised text, numbers standing alone."""
    if not entry:
        return True
    if not _is_number(entry):
        return entry in text
    # Literal reading of the contract: no digit and no "." on either side. A sentence-final ASCII
    # period after a number therefore hides it; that is stricter than an outside scorer could be,
    # which is the safe side for a gate.
    return re.search(rf"(?<![0-9.]){re.escape(entry)}(?![0-9.])", text) is not None


def contains(answer: str, entry: Entry) -> bool:
    """The must_include rule: a list entry is satisfied by any item; a number must stand alone."""
    text = normalize(answer)
    if isinstance(entry, list | tuple):
        return any(_occurs(text, normalize(str(alt))) for alt in entry)
    return _occurs(text, normalize(str(entry)))


@dataclass(frozen=True)
class ItemScore:
    """How one gold item fared; None in a field means the measure does not apply to the item."""

    id: str
    kind: str
    correct: bool
    expected_refusal: bool  # gold says answerable: false
    refused: bool | None  # the system said answerable: false; None when it gave no response
    missing: list[Any] = field(default_factory=list)  # must_include entries not found
    forbidden: list[Any] = field(default_factory=list)  # must_not_include entries found
    evidence_recall: float | None = None  # None: the item has no evidence quotes
    evidence_rank: int | None = None  # 1-based; None: no evidence, or none of it retrieved

    @property
    def has_evidence(self) -> bool:
        return self.evidence_recall is not None


def _quotes(item: Mapping[str, Any]) -> list[str]:
    quotes = [normalize(str(e.get("quote", ""))) for e in item.get("evidence") or []]
    return [q for q in quotes if q]


def evidence_recall(quotes: Sequence[str], response: AskResponse | None) -> float | None:
    """Share of normalised quotes found in the text of some citation."""
    if not quotes:
        return None
    texts = [normalize(c.text) for c in response.citations] if response else []
    return sum(any(q in t for t in texts) for q in quotes) / len(quotes)


def evidence_rank(quotes: Sequence[str], response: AskResponse | None, ranked_passages: Sequence[str]) -> int | None:
    """Rank of the first passage holding any quote; citations stand in when nothing was ranked.

    Routes that answer from the metric table or the catalogue retrieve no passages, yet cite; their
    citations order is then the only ranking there is.
    """
    if not quotes:
        return None
    passages = list(ranked_passages) or ([c.text for c in response.citations] if response else [])
    for rank, passage in enumerate(passages[:RANK_DEPTH], start=1):
        text = normalize(passage)
        if any(q in text for q in quotes):
            return rank
    return None


def score_item(item: Mapping[str, Any], response: AskResponse | None, ranked_passages: Sequence[str]) -> ItemScore:
    """Score the last response of a gold item; `response=None` means the system gave none (an error).

    must_include and must_not_include apply to every item: for an answerable:false item they can
    check that the refusal names what is missing, and empty lists (the usual case) change nothing.
    """
    expected_refusal = item.get("answerable") is False
    must = list(item.get("must_include") or [])
    must_not = list(item.get("must_not_include") or [])
    quotes = _quotes(item)
    if response is None:
        return ItemScore(
            id=str(item.get("id", "")), kind=str(item.get("kind", "")), correct=False,
            expected_refusal=expected_refusal, refused=None, missing=must, forbidden=[],
            evidence_recall=evidence_recall(quotes, None), evidence_rank=evidence_rank(quotes, None, ranked_passages),
        )
    missing = [e for e in must if not contains(response.answer, e)]
    forbidden = [e for e in must_not if contains(response.answer, e)]
    refused = response.answerable is False
    correct = refused == expected_refusal and not missing and not forbidden
    return ItemScore(
        id=str(item.get("id", "")), kind=str(item.get("kind", "")), correct=correct,
        expected_refusal=expected_refusal, refused=refused, missing=missing, forbidden=forbidden,
        evidence_recall=evidence_recall(quotes, response),
        evidence_rank=evidence_rank(quotes, response, ranked_passages),
    )
