"""Sessions for clients that send the whole conversation each time (the OpenAI chat protocol).

govqa keeps a conversation's context server-side (rag/store/sessions.py). A chat front-end instead sends
every earlier message again. The session is therefore named after the user messages so far: the
context saved after turn n is found again when turn n+1 arrives with the same n messages before it.
When it is not found (another server, an expired session, a history edited by the user), the
previous question is understood again, which carries its region, year and metric forward.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from rag.question.understanding import Context, understand


def history_id(scope: str, questions: Sequence[str]) -> str:
    digest = hashlib.sha256(json.dumps([scope, *questions], ensure_ascii=False).encode()).hexdigest()
    return f"history:{digest[:32]}"


def session_for(service: Any, scope: str, earlier: Sequence[str], question: str) -> str:
    """The session id to ask `question` in, with the context of the `earlier` user questions."""
    session_id = history_id(scope, [*earlier, question])
    if not earlier:
        return session_id
    context = service.sessions.get(history_id(scope, earlier))
    if not context.question:
        q = understand(earlier[-1], service.store.list_documents())
        context = Context(question=q.text, regions=q.regions, years=q.years, metrics=q.metrics)
    service.sessions.put(session_id, context)
    return session_id
