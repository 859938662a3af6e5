"""A local server speaking WeCom's server API (gettoken, message/send, appchat/send), recording requests.

WeCom is out of reach here, so the bot talks real HTTP to this instead. Tokens are issued as tok-1,
tok-2, …; a send with anything but the newest token gets errcode 40014, and `expire_next_send` makes
the next send answer 42001 (expired) once, as WeCom does when it invalidates a token early.
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
from urllib.parse import parse_qs, urlsplit

from tests.fakes import serving


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    reply: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeWeCom:
    corp_id: str
    secret: str
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    tokens_issued: int = 0
    expire_next_send: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sends(self, path: str = "message/send") -> list[Recorded]:
        """Sends that WeCom accepted (errcode 0), in order."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(path) and r.reply.get("errcode") == 0]

    def wait_for_sends(self, count: int, path: str = "message/send", timeout_s: float = 60.0) -> list[Recorded]:
        """Block until `count` accepted sends arrived (the bot answers in the background)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            sends = self.sends(path)
            if len(sends) >= count:
                return sends
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {path} calls, got {len(self.sends(path))}: {self.requests}")

    def handle(self, method: str, path: str, query: dict[str, str], body: dict[str, Any] | None) -> dict[str, Any]:
        with self._lock:
            record = Recorded(method, path, query, body)
            self.requests.append(record)
            record.reply = self._answer(path, query)
            return record.reply

    def _answer(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        if path.endswith("/gettoken"):
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            self.tokens_issued += 1
            return {"errcode": 0, "errmsg": "ok", "access_token": f"tok-{self.tokens_issued}",
                    "expires_in": 7200}
        if path.endswith(("/message/send", "/appchat/send")):
            if query.get("access_token") != f"tok-{self.tokens_issued}":
                return {"errcode": 40014, "errmsg": "invalid access_token"}
            if self.expire_next_send:
                self.expire_next_send -= 1
                return {"errcode": 42001, "errmsg": "access_token expired"}
            return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"m{len(self.requests)}"}
        return {"errcode": 404, "errmsg": f"unknown path {path}"}


def _handler(fake: FakeWeCom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length)) if length else None
            data = json.dumps(fake.handle(method, parts.path, query, body), ensure_ascii=False).encode()
            self.send_response(200)  # WeCom reports failures in errcode, with HTTP 200
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply("GET")

        def do_POST(self) -> None:
            self._reply("POST")

    return Handler


@contextmanager
def fake_wecom(corp_id: str, secret: str) -> Iterator[FakeWeCom]:
    fake = FakeWeCom(corp_id, secret)
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))) as url:
        fake.url = url + "/cgi-bin/"
        yield fake
