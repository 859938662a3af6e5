"""A local server speaking the OpenAI chat-completions protocol, with scripted replies.

Hosted LLMs are out of reach here, so tests talk HTTP to this instead: the real LangChain client,
the real wire format (JSON and SSE streaming), replies chosen by the test, requests recorded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes import serving


class FakeOpenAI:
    """`delay_s` before a reply; `token_delay_s` between streamed tokens. A reply given as a list of
    strings streams exactly those tokens (else 4-character pieces); non-streamed, they are joined."""

    def __init__(self, replies: list[Any], delay_s: float = 0.0, token_delay_s: float = 0.0) -> None:
        self.replies = list(replies)
        self.delay_s = delay_s
        self.token_delay_s = token_delay_s
        self.requests: list[dict[str, Any]] = []
        self.url = ""

    def next_reply(self, body: dict[str, Any]) -> str | list[str]:
        """The next scripted reply; a callable reply computes it from the request."""
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(body) if callable(reply) else reply


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            fake.requests.append(body)
            time.sleep(fake.delay_s)
            reply = fake.next_reply(body)
            created = int(time.time())
            if body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = reply if isinstance(reply, list) else [reply[i : i + 4] for i in range(0, len(reply), 4)]
                for n, piece in enumerate(pieces):
                    if n and fake.token_delay_s:
                        time.sleep(fake.token_delay_s)
                    event = {"id": "c1", "object": "chat.completion.chunk", "created": created, "model": body["model"],
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                return
            payload = {
                "id": "c1", "object": "chat.completion", "created": created, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(reply)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (the timeout test) is expected; anything else is still reported."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def fake_openai(replies: list[Any], delay_s: float = 0.0, token_delay_s: float = 0.0) -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(replies, delay_s, token_delay_s)
    with serving(_QuietServer(("127.0.0.1", 0), _handler(fake))) as url:
        fake.url = url + "/v1"
        yield fake
