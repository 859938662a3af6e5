"""The server's logs: one line per request on `govqa.http`, JSON (python-json-logger) or text.

`govqa serve` calls `configure` before uvicorn starts: without it the root logger has no handler and
stays at WARNING, so the INFO request lines were dropped (uvicorn configures only its own loggers).
Tests that build the app in-process leave logging alone and read the records with caplog.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from starlette.requests import Request

from rag.settings import Settings

log = logging.getLogger("govqa.http")

# The fields every JSON line has (plus "time"); a request line adds its own keys (`log_request`).
_JSON_FORMAT = "%(levelname)s %(name)s %(message)s"
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server: govqa's and uvicorn's loggers to stderr, one format."""
    if settings.log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter", "fmt": _JSON_FORMAT,
            "timestamp": "time",  # ISO 8601 in UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
            # uvicorn adds its message again with terminal colours: not for a log file
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
            "json_ensure_ascii": False,  # Chinese stays readable in the log
        }
    else:
        formatter = {"format": _TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,  # govqa.http and others exist already (created at import)
        "formatters": {"govqa": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "govqa", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": settings.log_level},
        # uvicorn's loggers pass their records to the root handler instead of printing their own format.
        "loggers": {name: {"handlers": [], "propagate": True}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))


def log_request(request: Request, request_id: str, route: str, status: int, elapsed_s: float,
                log_questions: bool) -> None:
    """One line per request. The API key appears as its id only; the question only when the setting asks."""
    fields: dict[str, Any] = {"request_id": request_id, "method": request.method, "route": route, "status": status,
                              "duration_ms": round(elapsed_s * 1000, 1),
                              # set by the key check on the question routes (bot/api_keys.py); never the key
                              "key_id": getattr(request.state, "api_key_id", None)}
    if log_questions and (question := getattr(request.state, "question", None)) is not None:
        fields["question"] = question
    log.info("%s %s %s %.1f ms", request.method, route, status, fields["duration_ms"], extra=fields)
