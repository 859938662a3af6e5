"""The body of every error response of the HTTP doors: FastAPI's own `{"detail": "..."}` shape."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str
