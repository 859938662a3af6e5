"""An answer as a stream of events: the LLM's tokens as they arrive, checked clause by clause.

Events (the `/api/chat` SSE protocol, also read by the OpenAI-compatible door and the WeCom robot):
- `token` `{"text"}`: the next piece of the answer;
- `replace` `{"text", "reason"}`: the answer streamed so far is withdrawn; show this text instead
  (the extractive answer, when the LLM's finished answer fails the grounding check);
- `citations` `[Citation]`, then `done` (the AskResponse, whose `answer` is what the client now shows).

With an LLM, tokens are forwarded as the model produces them. Only a clause that states a number is
held back until the clause ends and each of its numbers passes the grounding rule of
rag/answering/llm.py against the passages it cites (any passage when it cites none: its marker may
follow in a later clause). A clause that fails stops the stream at once; the finished answer is then
checked whole by the same `check_grounding` as the non-streamed one, and turned into a Draft by the
same LLM answerer. On any failure the extractive answer follows as `replace`.
Without an LLM (or for routes it does not phrase) the finished answer streams in short pieces.
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag.answering.llm import LLMAnswer, LLMAnswerer, Passage, check_grounding, cited_in, number_grounded
from rag.schema import AskRequest, AskResponse
from rag.text.figures import numbers_in

if TYPE_CHECKING:
    from rag.service import Service

PIECE_CHARS = 8  # an answer that is already whole streams in pieces of this many characters
_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_MARKER = re.compile(r"\[(\d{1,2})\]")
_HOLD = re.compile(r"\d|\[")


@dataclass(frozen=True)
class Event:
    kind: str  # token | replace | citations | done
    data: Any

    def sse(self) -> dict[str, str]:
        data = self.data.model_dump_json() if isinstance(self.data, AskResponse) else json.dumps(
            self.data, ensure_ascii=False)
        return {"event": self.kind, "data": data}


class Ungrounded(Exception):
    """A streamed clause states a number the sources do not hold."""


class NumberGate:
    """Releases streamed text as it arrives, except from the first number of a clause on: that part is
    released when the clause ends and its numbers check out (`Ungrounded` otherwise)."""

    def __init__(self, passages: Sequence[Passage], question: str) -> None:
        self._by_n = {p.n: p.text for p in passages}
        self._question = question
        self._pending = ""

    def _grounded(self, number: str, cited: list[int]) -> bool:
        texts = [self._by_n[n] for n in cited if n in self._by_n] if cited else list(self._by_n.values())
        return number_grounded(number, texts, self._question)

    def _check(self, clause: str) -> None:
        cited = [int(n) for n in _MARKER.findall(clause)]
        for number in numbers_in(_MARKER.sub("", clause)):
            if not self._grounded(number, cited):
                raise Ungrounded(f"数字{number}不在所引资料中")

    @staticmethod
    def _hold_from(text: str) -> int:
        """Where held text starts: the first digit or "[" outside a complete citation marker."""
        markers = [m.span() for m in _MARKER.finditer(text)]
        for m in _HOLD.finditer(text):
            if not any(start <= m.start() < end for start, end in markers):
                return m.start()
        return len(text)

    def feed(self, piece: str) -> str:
        """The text that may be shown now."""
        self._pending += piece
        out = ""
        while (end := _CLAUSE_END.search(self._pending)) is not None:
            clause = self._pending[: end.end()]
            self._check(clause)
            out += clause
            self._pending = self._pending[end.end():]
        cut = self._hold_from(self._pending)
        out += self._pending[:cut]
        self._pending = self._pending[cut:]
        return out

    def finish(self) -> str:
        """The last clause (the model may end without punctuation)."""
        rest, self._pending = self._pending, ""
        if rest:
            self._check(rest)
        return rest


class _LiveStep:
    """The LLM step, streaming (rag/answering/llm.py's `LLMStep`): emits `token` events as the gate
    releases them and returns the checked answer, or None (the extractive answer stands) when the
    answer fails the check or the LLM fails; `failure` says why."""

    def __init__(self, llm: LLMAnswerer, emit: Callable[[Event], None], cancelled: threading.Event) -> None:
        self.llm = llm
        self.emit = emit
        self.cancelled = cancelled
        self.failure: str | None = None

    def __call__(self, question: str, passages: Sequence[Passage]) -> LLMAnswer | None:
        gate = NumberGate(passages, question)
        text = ""
        try:
            for piece in self.llm.stream(question, passages):
                if self.cancelled.is_set():
                    self.failure = "cancelled"
                    return None
                text += piece
                if released := gate.feed(piece):
                    self.emit(Event("token", {"text": released}))
            if released := gate.finish():
                self.emit(Event("token", {"text": released}))
        except Ungrounded as exc:
            self.failure = str(exc)
            return None
        except Exception as exc:  # an unreachable or failing LLM must never take answering down
            self.failure = f"LLM error: {type(exc).__name__}"
            return None
        text = text.strip()
        problems = check_grounding(text, passages, question)
        if problems:
            self.failure = "；".join(problems)
            return None
        return LLMAnswer(text, cited_in(text), shown=True)


def _pieces(text: str) -> Iterator[str]:
    for i in range(0, len(text), PIECE_CHARS):
        yield text[i: i + PIECE_CHARS]


_DONE = object()


def stream(service: Service, request: AskRequest) -> Iterator[Event]:
    """Events for one question. Closing the iterator early (client gone) stops the LLM stream."""
    events: queue.Queue[Any] = queue.Queue()
    cancelled = threading.Event()
    step = _LiveStep(service.llm, events.put, cancelled) if service.llm is not None else None
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["response"] = service.ask_traced(request, llm_step=step)[0]
        except BaseException as exc:  # re-raised in the consumer's thread
            outcome["error"] = exc
        finally:
            events.put(_DONE)

    worker = threading.Thread(target=work, name="govqa-stream", daemon=True)
    worker.start()
    shown = ""
    try:
        while (item := events.get()) is not _DONE:
            shown += item.data["text"]
            yield item
        if "error" in outcome:
            raise outcome["error"]
        response: AskResponse = outcome["response"]
        if not shown:
            for piece in _pieces(response.answer):
                yield Event("token", {"text": piece})
        elif shown.strip() != response.answer.strip():
            reason = step.failure if step is not None and step.failure else "answer changed"
            yield Event("replace", {"text": response.answer, "reason": reason})
        yield Event("citations", [c.model_dump() for c in response.citations])
        yield Event("done", response)
    finally:
        cancelled.set()
