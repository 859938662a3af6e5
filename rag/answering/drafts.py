"""What an answerer returns: a Draft, a short answer whose `[n]` markers point into its evidence list, so
the service turns evidence into numbered citations the same way for every route."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.schema import Route, Table
from rag.store.database import ChunkRow


@dataclass
class Evidence:
    chunk: ChunkRow
    quote: str


@dataclass
class Draft:
    answer: str
    answerable: bool
    route: Route
    evidence: list[Evidence] = field(default_factory=list)
    table: Table | None = None
    # A refusal that ends the answerer chain (no report in scope); other refusals let later answerers try.
    final: bool = False


def refusal(reason: str, route: Route = "unanswerable", final: bool = False) -> Draft:
    return Draft(reason, False, route, final=final)

