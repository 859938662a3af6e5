"""FastAPI app factory: thin routes over one `rag.service.Service`."""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from bot.admin_api import admin_router
from bot.http_metrics import CONTENT_TYPE_LATEST, HttpMetrics
from bot.ratelimit import RateLimiter, limit_dependency
from bot.uploads import safe_filename
from bot.wecom import mount_wecom
from bot.widget_routes import router as widget_router
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.ocr import OcrOptions
from ingest.pipeline import embed_pending, ingest_file
from rag.feedback import Feedback, FeedbackIn
from rag.schema import AskRequest, AskResponse, Document, MetricRow
from rag.service import Service
from rag.settings import Settings, get_settings

log = logging.getLogger("govqa.http")


class ErrorBody(BaseModel):
    detail: str


def _csv(rows: list[MetricRow]) -> str:
    """UTF-8 with BOM so spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    fields = [f for f in MetricRow.model_fields if f != "span"] + ["span_start", "span_end"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        data = row.model_dump(exclude={"span"})
        data["span_start"], data["span_end"] = row.span or (None, None)
        writer.writerow(data)
    return "\ufeff" + buffer.getvalue()


def _warm_up(service: Service, ready: threading.Event) -> None:
    started = time.perf_counter()
    try:
        service.warm_up()
    except Exception:  # a failed warm-up only means the first question is slower
        log.exception("warm-up failed")
        return
    finally:
        ready.set()
    log.info(json.dumps({"event": "warm-up", "ms": round((time.perf_counter() - started) * 1000, 1)}))


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    settings = settings or get_settings()
    closers: list[Callable[[], None]] = []  # bots' background workers, stopped on shutdown

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or Service(settings)
        app.state.ready = threading.Event()  # /readyz answers 503 until the warm-up has run
        if service is None:
            # Warm in the background: the server answers (and /healthz is up) at once, and the first
            # question no longer pays for loading the index and the model.
            threading.Thread(target=_warm_up, args=(app.state.service, app.state.ready), name="govqa-warm-up",
                             daemon=True).start()
        else:
            app.state.ready.set()  # a service handed in is used as it is
        yield
        for close in closers:
            close()
        if service is None:
            app.state.service.close()

    app = FastAPI(title="govqa", version="0.1.0", lifespan=lifespan)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization"])

    def svc(request: Request) -> Service:
        return request.app.state.service

    def admin(authorization: str | None = Header(default=None)) -> None:
        token = settings.admin_token
        if not token:
            raise HTTPException(403, "admin routes are disabled: set GOVQA_ADMIN_TOKEN")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "bad or missing admin token")

    app.include_router(widget_router)
    app.include_router(admin_router(settings, admin))
    if settings.wecom_corp_id and settings.wecom_token and settings.wecom_aes_key:
        closers.append(mount_wecom(app, settings))
    if settings.slack_bot_token and settings.slack_signing_secret:
        from bot.slack import mount_slack  # slack_bolt is only imported when Slack is configured

        mount_slack(app, settings)
    http_metrics = HttpMetrics()
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    rate_limited = [Depends(limit_dependency(limiter, settings.trust_forwarded_for))]
    too_many = {429: {"model": ErrorBody, "description": "rate limited; see Retry-After"}}
    # One upload ingests at a time: two uploads of the same file then end as one document, the
    # second finding it unchanged, instead of racing on the same doc id.
    ingest_lock = threading.Lock()

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        """Request id (echoed as X-Request-ID), one structured log line per request, Prometheus counters."""
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - start
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            http_metrics.observe(request.method, path, status, elapsed)
            log.info(json.dumps({"request_id": request_id, "method": request.method, "path": path,
                                 "status": status, "ms": round(elapsed * 1000, 1)}))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    def readyz(request: Request, service: Service = Depends(svc)) -> dict[str, object]:
        """Ready once the warm-up has loaded the indexes and the store answers; reports how many documents
        and unembedded chunks it holds."""
        if not request.app.state.ready.is_set():  # warm-up still loading indexes: the first question would wait
            raise HTTPException(503, "warming up: loading indexes")
        try:
            documents = service.store.count_documents()
            pending = service.store.count_pending()
        except Exception as exc:  # a broken store is "not ready", not a 500 page
            raise HTTPException(503, f"store unavailable: {exc}") from exc
        return {"status": "ready", "documents": documents, "unembedded_chunks": pending}

    @app.get("/metrics", response_class=PlainTextResponse,
             responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
    def prometheus() -> Response:
        return Response(http_metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.post("/api/feedback", status_code=201, response_model=Feedback)
    def feedback(body: FeedbackIn, service: Service = Depends(svc)) -> Feedback:
        return service.feedback.add(body)

    @app.get("/api/feedback", response_model=list[Feedback], dependencies=[Depends(admin)],
             responses={code: {"model": ErrorBody} for code in (401, 403)})
    def feedback_list(rating: str | None = None, service: Service = Depends(svc)) -> list[Feedback]:
        return service.feedback.list(rating)

    @app.post("/api/ask", response_model=AskResponse, dependencies=rate_limited, responses=too_many)
    async def ask(body: AskRequest, service: Service = Depends(svc)) -> AskResponse:
        return await run_in_threadpool(service.ask, body)

    @app.post("/api/chat", response_class=EventSourceResponse, dependencies=rate_limited,
              responses={200: {"content": {"text/event-stream": {}}, "description": "token, citations, done"},
                         **too_many})
    async def chat(body: AskRequest, service: Service = Depends(svc)) -> EventSourceResponse:
        """SSE: `token` events, then `citations`, then `done` with the AskResponse.

        The answer is produced (and grounding-checked) before the first token is sent, so a token
        never has to be taken back; the pieces then stream in order.
        """
        response = await run_in_threadpool(service.ask, body)

        async def events() -> AsyncIterator[dict[str, str]]:
            for i in range(0, len(response.answer), 8):
                yield {"event": "token", "data": json.dumps({"text": response.answer[i : i + 8]}, ensure_ascii=False)}
            citations = [c.model_dump() for c in response.citations]
            yield {"event": "citations", "data": json.dumps(citations, ensure_ascii=False)}
            yield {"event": "done", "data": response.model_dump_json()}

        return EventSourceResponse(events())

    @app.get("/api/documents", response_model=list[Document])
    def documents(service: Service = Depends(svc)) -> list[Document]:
        return service.store.list_documents()

    @app.post("/api/documents", response_model=Document, dependencies=[Depends(admin)],
              responses={code: {"model": ErrorBody} for code in (400, 401, 403, 413, 415)})
    async def upload(file: UploadFile = File(...), service: Service = Depends(svc)) -> Document:
        name = safe_filename(file.filename)
        limit = settings.max_upload_mb * 1024 * 1024
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{name}: larger than {settings.max_upload_mb} MB")
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise HTTPException(415, f"{name}: unsupported file type (supported: {supported})")

        def ingest_upload():
            with ingest_lock, tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / name
                path.write_bytes(data)
                result = ingest_file(service.store, path, chunk_size=settings.chunk_size,
                                     ocr=OcrOptions.from_settings(settings))
                if result.status != "failed":
                    embed_pending(service.store, service.embedder)
                return result

        result = await run_in_threadpool(ingest_upload)
        if result.status == "failed":
            raise HTTPException(400, f"{name}: {result.reason}")
        doc = service.store.get_document(result.doc_id or "")
        if doc is None:
            raise HTTPException(500, f"{name}: ingested but not found")
        return doc

    @app.delete("/api/documents/{doc_id}", status_code=204, dependencies=[Depends(admin)],
                responses={code: {"model": ErrorBody} for code in (401, 403, 404)})
    def delete(doc_id: str, service: Service = Depends(svc)) -> Response:
        if not service.store.delete_document(doc_id):
            raise HTTPException(404, f"no document {doc_id}")
        return Response(status_code=204)

    @app.get("/api/metrics", response_model=list[MetricRow],
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def metric_rows(metric: str | None = None, region: str | None = None,
                    year: int | None = Query(default=None, ge=1900, le=2100),
                    format: str | None = None, service: Service = Depends(svc)) -> list[MetricRow] | Response:
        rows = service.store.metric_rows(metric, region, year)
        if format == "csv":
            return Response(_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="metrics.csv"'})
        return rows

    return app
