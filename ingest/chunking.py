"""Section-aware chunks: bounded in size, never cutting a sentence, each carrying its section path.

Sentences are packed per section first. Pieces too small to stand alone (a heading line, the last
sentence of a section) are then merged with a neighbour: back into their own section's previous
piece when it has room, otherwise forward into the next piece. A merged chunk takes the section path
of the part that contributes most text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.sections import Paragraph, format_path
from rag.text.sentences import sentence_spans


@dataclass(frozen=True)
class Chunk:
    ord: int
    section: str
    text: str
    start: int
    end: int


@dataclass
class _Piece:
    spans: list[tuple[int, int]]
    weights: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(b - a for a, b in self.spans)

    @property
    def path(self) -> tuple[str, ...]:
        return max(self.weights.items(), key=lambda kv: kv[1])[0] if self.weights else ()

    def absorb(self, other: _Piece, *, before: bool) -> None:
        self.spans = other.spans + self.spans if before else self.spans + other.spans
        for path, weight in other.weights.items():
            self.weights[path] = self.weights.get(path, 0) + weight


def chunk_paragraphs(
    text: str, paragraphs: list[Paragraph], size: int = 300, min_size: int = 80
) -> list[Chunk]:
    """Pack the sentences of `paragraphs` into chunks of about `size` characters."""
    pieces = _pack(text, paragraphs, size)
    merged = _merge_small(pieces, size, min_size)
    return [
        Chunk(i, format_path(p.path), "\n".join(_join_lines(text, p.spans)), p.spans[0][0], p.spans[-1][1])
        for i, p in enumerate(merged)
    ]


def _pack(text: str, paragraphs: list[Paragraph], size: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    current: _Piece | None = None
    current_path: tuple[str, ...] | None = None
    for para in paragraphs:
        for a, b in sentence_spans(text, para.start, para.end):
            if current is None or para.path != current_path or current.size + (b - a) > size:
                current = _Piece([], {})
                current_path = para.path
                pieces.append(current)
            current.spans.append((a, b))
            current.weights[para.path] = current.weights.get(para.path, 0) + (b - a)
    return pieces


def _merge_small(pieces: list[_Piece], size: int, min_size: int) -> list[_Piece]:
    out: list[_Piece] = []
    carry: _Piece | None = None  # a small piece waiting to be prepended to the next one
    for piece in pieces:
        if carry is not None:
            piece.absorb(carry, before=True)
            carry = None
        if piece.size >= min_size:
            out.append(piece)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.path == piece.path and prev.size + piece.size <= size * 3 // 2:
            prev.absorb(piece, before=False)
        else:
            carry = piece
    if carry is not None:
        if out:
            out[-1].absorb(carry, before=False)
        else:
            out.append(carry)
    return out


def _join_lines(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Sentences of one paragraph are joined directly; a paragraph break becomes a newline."""
    lines: list[str] = []
    prev_end: int | None = None
    for a, b in spans:
        if prev_end is not None and "\n" not in text[prev_end:a]:
            lines[-1] += text[prev_end:b]
        else:
            lines.append(text[a:b])
        prev_end = b
    return lines
