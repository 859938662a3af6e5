"""WeCom server API: an access token cached until it expires, and the two send calls we use.

`gettoken` is rate-limited and a token lasts `expires_in` seconds (7,200 today), so it is fetched once
and reused; WeCom can still invalidate it early (errcode 40014 invalid / 42001 expired), in which case
the token is fetched again and the send retried once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

TOKEN_ERRORS = {40014, 42001}  # invalid access_token, access_token expired
_MARGIN_S = 300  # refresh a little early so a token does not expire in flight


class WeComApiError(RuntimeError):
    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeCom {path}: errcode {errcode} {errmsg}")
        self.errcode = errcode


class WeComApi:
    def __init__(self, api_base: str, corp_id: str, secret: str, agent_id: int,
                 http: httpx.Client | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._http = http or httpx.Client(base_url=api_base, timeout=10.0)
        self._corp_id = corp_id
        self._secret = secret
        self.agent_id = agent_id
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        body = response.json()
        if body.get("errcode", 0) != 0:
            raise WeComApiError(path, int(body["errcode"]), str(body.get("errmsg", "")))
        return body

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                body = self._call("GET", "gettoken", params={"corpid": self._corp_id, "corpsecret": self._secret})
                self._token = str(body["access_token"])
                self._expires_at = self._clock() + max(int(body.get("expires_in", 7200)) - _MARGIN_S, 0)
            return self._token

    def _invalidate(self, token: str) -> None:
        with self._lock:
            if self._token == token:  # another thread may already have refreshed it
                self._token = None

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST with the cached token; on a token error refresh once and retry."""
        for attempt in range(2):
            token = self.access_token()
            try:
                return self._call("POST", path, params={"access_token": token}, json=payload)
            except WeComApiError as exc:
                if exc.errcode not in TOKEN_ERRORS or attempt:
                    raise
                self._invalidate(token)
        raise AssertionError("unreachable")

    def send_text(self, touser: str, content: str) -> dict[str, Any]:
        """Push a text message from the app to one member (message/send)."""
        return self._post("message/send", {"touser": touser, "msgtype": "text", "agentid": self.agent_id,
                                           "text": {"content": content}})

    def send_chat_text(self, chatid: str, content: str) -> dict[str, Any]:
        """Push a text message to an app group chat (appchat/send)."""
        return self._post("appchat/send", {"chatid": chatid, "msgtype": "text", "text": {"content": content}})
