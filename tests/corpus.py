"""Paths to the bundled real reports, for tests that build their fixtures from them."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "evals" / "corpus"
REPORTS = sorted(CORPUS.glob("*.txt"))


def report_text(stem: str) -> str:
    return (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
