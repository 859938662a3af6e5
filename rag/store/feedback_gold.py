"""Turn reviewed feedback into gold Q&A items (the JSONL format of CONTRACT.md "Gold Q&A"); the admin
API serves them. Here in rag/, so the admin door (bot/) and evals/ can both use it without bot/ importing evals/.

A thumbs-up answer becomes a candidate item whose `must_include` are the figures it stated and whose
evidence is what it cited; a thumbs-down answer becomes a stub marked `needs_review`, since the bot's
answer is by definition not the reference. Either way a person edits the line before it joins a set.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rag.store.feedback import Feedback
from rag.text.figures import numbers_in

_MARKER = re.compile(r"\[\d+\]")  # citation markers are not figures of the answer


def gold_item(feedback: Feedback) -> dict[str, Any]:
    refused = feedback.route == "unanswerable"
    approved = feedback.rating == "up"
    answer = _MARKER.sub("", feedback.answer)
    figures = list(dict.fromkeys(numbers_in(answer))) if approved and not refused else []
    evidence = [{"doc": c.doc_id, "quote": c.quote or c.text} for c in feedback.citations] if approved else []
    item: dict[str, Any] = {
        "id": f"feedback-{feedback.id}",
        "question": feedback.question,
        "kind": feedback.route or "lookup",
        "answerable": not refused if approved else True,
        "answer": answer.strip() if approved else "",
        "must_include": figures,
        "must_not_include": [],
        "evidence": evidence,
        "rating": feedback.rating,
        "comment": feedback.comment,
        "created_at": feedback.created_at,
    }
    if not approved:
        item["needs_review"] = True
        item["bot_answer"] = feedback.answer
    return item


def gold_jsonl(items: list[Feedback]) -> str:
    return "".join(json.dumps(gold_item(f), ensure_ascii=False) + "\n" for f in items)
