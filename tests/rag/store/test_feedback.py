import sqlite3
from pathlib import Path

from rag.store.feedback import FeedbackIn, FeedbackStore


def test_store_written_before_citations_were_kept_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, question TEXT NOT NULL, "
                "answer TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL)")
    old.execute("INSERT INTO feedback VALUES(1, 's', '旧问题', '旧回答', 'down', NULL, '2025-01-01')")
    old.commit()
    old.close()
    store = FeedbackStore(path)
    store.add(FeedbackIn(session_id="s", question="新问题", answer="a", rating="up", route="lookup", source="slack"))
    new, legacy = store.list()
    store.close()
    assert (legacy.question, legacy.citations, legacy.route) == ("旧问题", [], None)
    assert (new.route, new.source) == ("lookup", "slack")
