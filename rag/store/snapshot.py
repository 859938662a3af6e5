"""The documents of one store version, with what every question derives from them computed once.

At thousands of reports a pass over the document list (the set of region names, each region's latest
report, the reports of a named region) costs milliseconds; a question made several such passes. The
service builds one `Snapshot` per store version and never changes it, so these views are cached on it.
Functions that take a plain dict or list still work: they compute the view then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from rag.schema import Document


class DocumentList(list[Document]):
    """A snapshot's documents in catalogue order (read-only by convention), with derived views."""

    @cached_property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({d.region for d in self if d.region}))

    @cached_property
    def by_region(self) -> dict[str, list[Document]]:
        out: dict[str, list[Document]] = {}
        for doc in self:
            if doc.region:
                out.setdefault(doc.region, []).append(doc)
        return out

    @cached_property
    def latest(self) -> list[Document]:
        return latest_per_region(self)


class Snapshot(dict[str, Document]):
    """doc_id → Document for one store version (read-only by convention)."""

    @cached_property
    def documents(self) -> DocumentList:
        return DocumentList(self.values())


def known_regions(documents: Iterable[Document]) -> tuple[str, ...]:
    """Sorted region names of `documents` (cached on a DocumentList)."""
    if isinstance(documents, DocumentList):
        return documents.regions
    return tuple(sorted({d.region for d in documents if d.region}))


def documents_of(docs: Mapping[str, Document]) -> Sequence[Document]:
    """The documents of a mapping, as the snapshot's cached list where there is one."""
    return docs.documents if isinstance(docs, Snapshot) else list(docs.values())


def in_regions(docs: Mapping[str, Document], regions: Sequence[str]) -> list[Document]:
    """The documents of the named regions (every document when none is named)."""
    if not regions:
        return list(documents_of(docs))
    if isinstance(docs, Snapshot):
        return [d for r in dict.fromkeys(regions) for d in docs.documents.by_region.get(r, [])]
    return [d for d in docs.values() if d.region in regions]


def latest_of(docs: Sequence[Document]) -> list[Document]:
    """Each region's latest report (cached on a DocumentList)."""
    return list(docs.latest) if isinstance(docs, DocumentList) else latest_per_region(docs)


def latest_per_region(docs: Iterable[Document]) -> list[Document]:
    """Each region's most recent report (a report without a region stands for itself)."""
    best: dict[str, Document] = {}
    for doc in docs:
        key = doc.region or doc.doc_id
        if key not in best or (doc.year or 0) > (best[key].year or 0):
            best[key] = doc
    return sorted(best.values(), key=lambda d: (d.region or "", d.year or 0))
