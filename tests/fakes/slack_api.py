"""A local server speaking the part of Slack's Web API the bot uses, recording every request.

Slack is out of reach here, so the real `slack_sdk` clients talk HTTP to this instead: `auth.test`
(Bolt's authorization), `chat.postMessage`, and `response_url` webhooks of slash commands under
`/response/...`. It checks posted messages against Slack's published Block Kit limits and answers
`invalid_blocks` like Slack does, so a message that Slack would refuse fails the test too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes import serving

BOT_USER_ID = "UGOVQABOT"
BOT_ID = "BGOVQABOT"
TEAM_ID = "T0GOVQA"

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 3000
MAX_TEXT = 40_000
RESPONSE_URL_USES = 5  # Slack: "use a response_url up to 5 times within 30 minutes"


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeSlack:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.url}/response/{name}"

    def posts(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path or r.path.startswith(path + "/")]

    def wait_for(self, path: str, count: int = 1, timeout_s: float = 60.0) -> list[Recorded]:
        """Lazy listeners answer after the ack, so tests poll for what they expect to be posted."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.posts(path)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} request(s) to {path} expected within {timeout_s} s, got {self.posts(path)}")


def block_errors(message: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a message payload (the limits of the Block Kit reference)."""
    errors: list[str] = []
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    if len(message.get("text") or "") > MAX_TEXT:
        errors.append("text too long")
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            text = block.get("text", {}).get("text", "")
            if not text or len(text) > MAX_SECTION_TEXT:
                errors.append(f"section text of {len(text)} chars")
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > 10:
                errors.append(f"context with {len(elements)} elements")
            errors += [f"context text of {len(e.get('text', ''))} chars" for e in elements
                       if not e.get("text") or len(e.get("text", "")) > MAX_CONTEXT_TEXT]
        elif kind == "actions":
            elements = block.get("elements", [])
            errors += [f"button value of {len(e.get('value', ''))} chars" for e in elements
                       if len(e.get("value", "")) > 2000]
        elif kind not in ("divider", "header"):
            errors.append(f"unexpected block type {kind}")
    return errors


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, payload: dict[str, Any] | str, status: int = 200) -> None:
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw or "{}")
            else:
                body = dict(parse_qsl(raw))
            with fake._lock:
                fake.requests.append(Recorded(self.path, dict(self.headers.items()), body))
            path = self.path.split("?")[0]
            if path == "/api/auth.test":
                self._reply({"ok": True, "url": "https://govqa.slack.com/", "team": "govqa", "user": "govqa",
                             "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID})
            elif path == "/api/chat.postMessage":
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    self._reply({"ok": False, "error": "not_authed"})
                elif errors := block_errors(body):
                    self._reply({"ok": False, "error": "invalid_blocks", "errors": errors})
                else:
                    self._reply({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                                 "message": {"text": body.get("text")}})
            elif path.startswith("/response/"):
                with fake._lock:
                    uses = sum(r.path == self.path for r in fake.requests)
                if uses > RESPONSE_URL_USES:
                    self._reply("used_url", 404)
                elif block_errors(body):
                    self._reply("invalid_blocks", 400)
                else:
                    self._reply("ok")
            else:
                self._reply({"ok": False, "error": "unknown_method"})

    return Handler


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))) as url:
        fake.url = url
        yield fake
