"""Static routes for the embeddable widget: GET /widget.js and the demo page at GET /."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
