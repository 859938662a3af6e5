"""Thumbs up/down on answers, kept with the question and answer so reviewers can turn them into gold items."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from rag.schema import Citation, Route

# What a citation sent back with feedback may hold (the route is anonymous): characters per field.
CITATION_BOUNDS = {"doc_id": 200, "title": 500, "region": 100, "section": 500, "text": 4000, "quote": 2000}


class FeedbackIn(BaseModel):
    session_id: str = Field(max_length=200)
    # Each field is bounded, so one post stays under ~120 KB; the table keeps its newest `max_rows`.
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(max_length=20000)
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)
    # What the answer rested on, so a reviewed answer can become a gold item with its evidence.
    route: Route | None = None
    citations: list[Citation] = Field(default_factory=list, max_length=20)
    source: str | None = Field(default=None, max_length=40)  # widget, slack, wecom …


    @field_validator("citations")
    @classmethod
    def _bounded(cls, citations: list[Citation]) -> list[Citation]:
        for citation in citations:
            for name, most in CITATION_BOUNDS.items():
                if len(getattr(citation, name) or "") > most:
                    raise ValueError(f"citation [{citation.n}] {name} longer than {most} characters")
        return citations


class Feedback(FeedbackIn):
    id: int
    created_at: str


class FeedbackStore:
    def __init__(self, path: Path, max_rows: int = 20_000) -> None:
        self._max_rows = max_rows
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, "
            "question TEXT NOT NULL, answer TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT, "
            "created_at TEXT NOT NULL)"
        )
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(feedback)")}
        for column in ("route", "citations", "source"):  # added after the first release: migrate in place
            if column not in columns:
                self._db.execute(f"ALTER TABLE feedback ADD COLUMN {column} TEXT")

    def add(self, item: FeedbackIn) -> Feedback:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO feedback(session_id, question, answer, rating, comment, created_at, route, citations, "
                "source) VALUES(?,?,?,?,?,?,?,?,?)",
                (item.session_id, item.question, item.answer, item.rating, item.comment, created, item.route,
                 json.dumps([c.model_dump() for c in item.citations], ensure_ascii=False), item.source),
            )
            # Anonymous posts must not grow the store without bound: the oldest go first.
            self._db.execute("DELETE FROM feedback WHERE id <= ?", (int(cursor.lastrowid or 0) - self._max_rows,))
        return Feedback(id=int(cursor.lastrowid or 0), created_at=created, **item.model_dump())

    def list(self, rating: str | None = None) -> list[Feedback]:
        sql = ("SELECT id, session_id, question, answer, rating, comment, created_at, route, citations, source "
               "FROM feedback")
        args: tuple[str, ...] = ()
        if rating:
            sql, args = sql + " WHERE rating=?", (rating,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC", args).fetchall()
        keys = ("id", "session_id", "question", "answer", "rating", "comment", "created_at", "route", "citations",
                "source")
        items = []
        for r in rows:
            data = dict(zip(keys, r, strict=True))
            data["citations"] = json.loads(data["citations"] or "[]")
            items.append(Feedback(**data))
        return items

    def close(self) -> None:
        with self._lock:
            self._db.close()
