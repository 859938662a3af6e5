"""A report's section tree with its chunks, rebuilt from the section paths the chunks carry.

Chunks store their heading path as one string ("一、… > （二）…"), which is all a reader needs to see
how a report was cut up; rebuilding the tree from them keeps one source of truth (the chunks table).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from rag.store.database import ChunkRow

SEPARATOR = " > "  # ingest.sections.format_path joins heading paths with this


class ChunkView(BaseModel):
    chunk_id: str
    ord: int
    text: str
    start: int
    end: int
    embedded: bool = False


class SectionNode(BaseModel):
    title: str
    path: str
    chunks: list[ChunkView] = Field(default_factory=list)
    children: list[SectionNode] = Field(default_factory=list)


def section_tree(chunks: Iterable[ChunkRow], embedded: set[str] | frozenset[str] = frozenset()) -> list[SectionNode]:
    """Top-level sections in reading order; chunks before the first heading sit under an untitled root."""
    roots: list[SectionNode] = []
    index: dict[str, SectionNode] = {}
    for chunk in sorted(chunks, key=lambda c: c.ord):
        parts = chunk.section.split(SEPARATOR) if chunk.section else [""]
        siblings, node = roots, None
        for depth in range(len(parts)):
            path = SEPARATOR.join(parts[: depth + 1])
            node = index.get(path)
            if node is None:
                node = SectionNode(title=parts[depth], path=path)
                index[path] = node
                siblings.append(node)
            siblings = node.children
        assert node is not None
        node.chunks.append(ChunkView(chunk_id=chunk.chunk_id, ord=chunk.ord, text=chunk.text, start=chunk.start,
                                     end=chunk.end, embedded=chunk.chunk_id in embedded))
    return roots
