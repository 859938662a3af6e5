"""Sessions for clients that send the whole conversation each time (the OpenAI chat protocol).

govqa keeps a conversation's context server-side (rag/store/sessions.py) under an id it minted for the
client (bot/ratelimit.py). A chat front-end that sends `session_id` back (it comes in the `govqa` field
of every answer) continues that conversation. One that only resends the earlier messages gets a new
conversation each time, whose context is the previous question understood again (its region, year and
metric carry forward). The id is never derived from the messages: another client could derive it too
and plant a turn in the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rag.question.understanding import Context, understand


def session_for(service: Any, session_id: str, earlier: Sequence[str], continued: bool) -> str:
    """`session_id`, given the context of the `earlier` user questions unless it continues a conversation."""
    if earlier and not continued:
        q = understand(earlier[-1], service.store.list_documents())
        service.sessions.put(session_id, Context(question=q.text, regions=q.regions, years=q.years,
                                                 metrics=q.metrics))
    return session_id
