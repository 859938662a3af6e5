"""FastAPI app factory: thin routes over one `rag.service.Service`."""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import math
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from bot.admin_api import admin_router
from bot.admin_auth import admin_enabled, admin_guard, tokens_router
from bot.admin_backup import backup_router
from bot.api_keys import KeyStore, key_check, keys_router
from bot.audit import audit_router, audited
from bot.body_limit import BodyLimit
from bot.csv_safe import safe_cell
from bot.errors import ErrorBody
from bot.http_metrics import CONTENT_TYPE_LATEST, HttpMetrics
from bot.openai_api import openai_router
from bot.ratelimit import Caller, RateLimiter, client_address, limit_dependency
from bot.request_log import log_request
from bot.uploads import safe_filename
from bot.wecom import mount_wecom
from bot.wecom_robot import mount_wecom_robot
from bot.widget_routes import router as widget_router
from ingest.embed_queue import EmbedProgress, EmbedQueue
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.ocr import OcrOptions
from ingest.pipeline import ingest
from rag import streaming
from rag.schema import AskRequest, AskResponse, Document, MetricRow
from rag.service import Service
from rag.settings import Settings, get_settings
from rag.store.database import StorageError, storage_error
from rag.store.feedback import Feedback, FeedbackIn

log = logging.getLogger("govqa.http")


def _csv(rows: list[MetricRow]) -> str:
    """UTF-8 with BOM so spreadsheet programs read the Chinese correctly; no cell is a formula."""
    buffer = io.StringIO()
    fields = [f for f in MetricRow.model_fields if f != "span"] + ["span_start", "span_end"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        data = row.model_dump(exclude={"span"})
        if data.get("table_cell"):
            data["table_cell"] = json.dumps(data["table_cell"], ensure_ascii=False)
        data["span_start"], data["span_end"] = row.span or (None, None)
        writer.writerow({k: safe_cell(v) for k, v in data.items()})
    return "\ufeff" + buffer.getvalue()


# The API docs pages may load nothing from outside this server: ReDoc's bundle still names a logo on its
# CDN (an intranet browser would wait on it), so the browser is told not to ask.
DOCS_PATHS = ("/docs", "/redoc")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:")

# /readyz asks the vector store for this id: a round trip that reads nothing.
READYZ_PROBE_ID = "__readyz_probe__"
# How much of a rejected value a 422 body repeats.
ECHO_CHARS = 200


def _clip(value: object) -> object:
    """The value with long strings (and long lists or mappings) shortened, for echoing back."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if isinstance(value, str):
        return value[:ECHO_CHARS] + ("…" if len(value) > ECHO_CHARS else "")
    if isinstance(value, dict):
        return {str(k)[:ECHO_CHARS]: _clip(v) for k, v in list(value.items())[:20]}
    if isinstance(value, list | tuple):
        return [_clip(v) for v in list(value)[:20]]
    return value


def _clip_errors(errors: Sequence[Any]) -> list[Any]:
    return [{**e, "input": _clip(e["input"])} if isinstance(e, dict) and "input" in e else e for e in errors[:20]]


def _warm_up(service: Service, ready: threading.Event) -> None:
    started = time.perf_counter()
    try:
        service.warm_up()
    except Exception:  # a failed warm-up only means the first question is slower
        log.exception("warm-up failed")
        return
    finally:
        ready.set()
    ms = round((time.perf_counter() - started) * 1000, 1)
    log.info("warm-up took %.1f ms", ms, extra={"event": "warm-up", "duration_ms": ms})


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    settings = settings or get_settings()
    closers: list[Callable[[], None]] = []  # bots' background workers, stopped on shutdown

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or Service(settings)
        # Opened before anything runs in the background, so warm-up, the embedding worker and the
        # first request never race to create the Chroma client.
        store = app.state.service.store
        try:
            store.open_vectors()
        except Exception:  # a Chroma server still starting: opened (once, under a lock) on first use
            log.exception("could not open the vector store at start-up")
        # One worker embeds what uploads commit, and at start-up what a crash or a stop left pending.
        app.state.embed_queue = EmbedQueue(store, app.state.service.embedder)
        app.state.embed_queue.start()
        app.state.ready = threading.Event()  # /readyz answers 503 until the warm-up has run
        if service is None:
            # Warm in the background: the server answers (and /healthz is up) at once, and the first
            # question no longer pays for loading the index and the model.
            threading.Thread(target=_warm_up, args=(app.state.service, app.state.ready), name="govqa-warm-up",
                             daemon=True).start()
        else:
            app.state.ready.set()  # a service handed in is used as it is
        yield
        app.state.embed_queue.stop()
        for close in closers:
            close()
        if service is None:
            app.state.service.close()

    # /docs and /redoc load Swagger UI and ReDoc from files inside the fastapi-offline wheel (under
    # /static-offline-docs), not from a CDN: an intranet has none.
    app = FastAPIOffline(title="govqa", version="0.1.0", lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 body, with echoed input cut short: a 100 KB question is not sent back. What it echoes
        may be text UTF-8 cannot encode (a lone surrogate such as "\\ud800" is valid JSON): it is replaced."""
        content = jsonable_encoder({"detail": _clip_errors(exc.errors())})
        body = json.dumps(content, ensure_ascii=False).encode("utf-8", errors="replace")
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(StorageError)
    @app.exception_handler(sqlite3.Error)
    @app.exception_handler(OSError)
    async def storage_failed(request: Request, exc: Exception) -> JSONResponse:
        """A full disk is a 507 and a failing one a 503, with what to do; anything else stays a 500."""
        error = storage_error(exc)
        if error is None:
            log.error("unhandled error on %s", request.url.path, exc_info=exc)
            return JSONResponse(status_code=500, content={"detail": "internal error"})
        log.warning("storage error on %s: %s", request.url.path, exc)
        return JSONResponse(status_code=507 if error.full else 503, content={"detail": error.reason},
                            headers=None if error.full else {"Retry-After": "30"})

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization"])

    def svc(request: Request) -> Service:
        return request.app.state.service

    # API keys and named admin tokens share one file in the store (bot/api_keys.py).
    key_store = KeyStore(lambda request: request.app.state.service.store.root)
    app.state.api_key_store = key_store  # bot.api_keys.api_key_id finds it here
    closers.append(key_store.close)
    admin = admin_guard(settings, key_store)  # one check for every admin route; it names the actor

    app.include_router(widget_router)
    app.include_router(admin_router(settings, admin, lambda request: admin_enabled(settings, key_store, request)))
    app.include_router(tokens_router(key_store, admin))
    app.include_router(audit_router(admin))
    app.include_router(backup_router(settings, admin))
    if settings.wecom_corp_id and settings.wecom_token and settings.wecom_aes_key:
        closers.append(mount_wecom(app, settings))
    if settings.slack_bot_token and settings.slack_signing_secret:
        from bot.slack import mount_slack  # slack_bolt is only imported when Slack is configured

        mount_slack(app, settings)
    http_metrics = HttpMetrics()
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst,
                          per_address_per_minute=settings.rate_limit_per_address_per_minute,
                          max_sessions=settings.max_sessions_per_address)
    # API keys first: the rate limit then counts per key when one is presented.
    app.include_router(keys_router(key_store, admin))
    rate_limited = [Depends(key_check(settings, key_store)),
                    Depends(limit_dependency(limiter, settings.trust_forwarded_for))]
    app.include_router(openai_router(settings, rate_limited))
    if settings.wecom_robot_token and settings.wecom_robot_aes_key:
        closers.append(mount_wecom_robot(app, settings))
    too_many = {429: {"model": ErrorBody, "description": "rate limited; see Retry-After"},
                401: {"model": ErrorBody, "description": "API key revoked, or missing while keys are required"}}

    # Around every route, door and bot: no body is read past its limit, whoever sends it.
    upload_limit = (settings.max_upload_mb + 1) * 1024 * 1024  # the file and its multipart framing

    def body_limit(path: str) -> int:
        return upload_limit if path == "/api/documents" else settings.max_body_kb * 1024

    app.add_middleware(BodyLimit, limit_for=body_limit, streamed=lambda path: path == "/api/documents")

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        """Request id (echoed as X-Request-ID), one structured log line per request, Prometheus counters."""
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        request.state.request_id = request_id  # for the audit trail
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            if request.url.path in DOCS_PATHS:
                response.headers["Content-Security-Policy"] = DOCS_CSP
            return response
        finally:
            elapsed = time.perf_counter() - start
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            http_metrics.observe(request.method, path, status, elapsed)
            log_request(request, request_id, path, status, elapsed, settings.log_questions)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    def readyz(request: Request, service: Service = Depends(svc)) -> dict[str, object]:
        """Ready once the warm-up has loaded the indexes and the store answers; reports its documents,
        unembedded chunks and the embedding worker."""
        if not request.app.state.ready.is_set():  # warm-up still loading indexes: the first question would wait
            raise HTTPException(503, "warming up: loading indexes")
        try:
            documents = service.store.count_documents()
            embedding: EmbedProgress = request.app.state.embed_queue.progress()
        except Exception as exc:  # a broken store is "not ready", not a 500 page
            log.error("readyz: store unavailable: %s", exc)
            raise HTTPException(503, f"store unavailable: {exc}") from exc
        if service.embedder is not None:  # dense retrieval on: its vector store must answer too
            try:
                service.store.vectors_get([READYZ_PROBE_ID])
            except Exception as exc:  # questions still get lexical answers, but the outage must show
                log.error("readyz: vector store unavailable: %s: %s", type(exc).__name__, exc)
                raise HTTPException(503, f"vector store unavailable ({type(exc).__name__}): answers are "
                                         "lexical only until it is back") from exc
        return {"status": "ready", "documents": documents, "unembedded_chunks": embedding.pending,
                "embedding": embedding.model_dump()}

    @app.get("/metrics", response_class=PlainTextResponse,
             responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
    def prometheus() -> Response:
        return Response(http_metrics.render(), media_type=CONTENT_TYPE_LATEST)

    feedback_limiter = RateLimiter(0, 0, per_address_per_minute=settings.feedback_per_minute)

    def feedback_limit(request: Request) -> None:
        """The feedback route is anonymous: each address may post `feedback_per_minute` a minute."""
        wait = feedback_limiter.take(Caller(client_address(request, settings.trust_forwarded_for), None))
        if wait:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(429, f"too much feedback from this address: retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    @app.post("/api/feedback", status_code=201, response_model=Feedback, dependencies=[Depends(feedback_limit)],
              responses={429: {"model": ErrorBody, "description": "rate limited; see Retry-After"}})
    def feedback(body: FeedbackIn, service: Service = Depends(svc)) -> Feedback:
        return service.feedback.add(body)

    @app.get("/api/feedback", response_model=list[Feedback], dependencies=[Depends(admin)],
             responses={code: {"model": ErrorBody} for code in (401, 403)})
    def feedback_list(rating: str | None = None, service: Service = Depends(svc)) -> list[Feedback]:
        return service.feedback.list(rating)

    @app.post("/api/ask", response_model=AskResponse, dependencies=rate_limited, responses=too_many)
    async def ask(body: AskRequest, request: Request, service: Service = Depends(svc)) -> AskResponse:
        body = body.model_copy(update={"session_id": request.state.session_id})  # minted for this client
        request.state.question = body.question  # for the request log, when GOVQA_LOG_QUESTIONS is on
        return await run_in_threadpool(service.ask, body)

    @app.post("/api/chat", response_class=EventSourceResponse, dependencies=rate_limited,
              responses={200: {"content": {"text/event-stream": {}}, "description": "token, citations, done"},
                         **too_many})
    async def chat(body: AskRequest, request: Request, service: Service = Depends(svc)) -> EventSourceResponse:
        """SSE: `token` events (live LLM tokens, number clauses checked first), an optional `replace`,
        then `citations`, then `done` with the AskResponse (see rag/streaming.py)."""
        body = body.model_copy(update={"session_id": request.state.session_id})  # minted for this client
        request.state.question = body.question
        events = (event.sse() for event in streaming.stream(service, body))
        # The first event is made before the 200 is sent: a storage error then is a 507/503, not an empty stream.
        first = await run_in_threadpool(next, events, None)
        return EventSourceResponse(iterate_in_threadpool(itertools.chain([first] if first else [], events)))

    @app.get("/api/documents", response_model=list[Document])
    def documents(service: Service = Depends(svc)) -> list[Document]:
        return service.store.list_documents()

    @app.post("/api/documents", response_model=Document, dependencies=[Depends(admin)],
              responses={code: {"model": ErrorBody} for code in (400, 401, 403, 409, 413, 415, 503, 507)})
    async def upload(request: Request, file: UploadFile = File(...), service: Service = Depends(svc)) -> Document:
        name = safe_filename(file.filename)
        limit = settings.max_upload_mb * 1024 * 1024

        def ingest_upload(data: bytes):
            # The upload ends at the catalogue commit; its vectors come from the background worker.
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / name
                path.write_bytes(data)
                return ingest(service.store, [path], chunk_size=settings.chunk_size,
                              ocr=OcrOptions.from_settings(settings), queue=request.app.state.embed_queue)[0]

        with audited(request, name) as entry:
            data = await file.read(limit + 1)
            entry.detail = {"file": name, "bytes": len(data)}
            if len(data) > limit:
                raise HTTPException(413, f"{name}: larger than {settings.max_upload_mb} MB")
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise HTTPException(415, f"{name}: unsupported file type (supported: {supported})")
            result = await run_in_threadpool(ingest_upload, data)
            entry.detail["status"] = result.status
            if result.status == "failed":
                raise HTTPException(400, f"{name}: {result.reason}")
            doc = service.store.get_document(result.doc_id or "")
            if doc is None:  # a DELETE of the same document ran between the ingest and this read
                raise HTTPException(409, f"{name}: deleted while it was being ingested; upload it again")
            entry.target = doc.doc_id
            entry.detail.update(sha256=doc.sha256, region=doc.region, year=doc.year, title=doc.title)
        return doc

    @app.delete("/api/documents/{doc_id}", status_code=204, dependencies=[Depends(admin)],
                responses={code: {"model": ErrorBody} for code in (401, 403, 404)})
    def delete(doc_id: str, request: Request, service: Service = Depends(svc)) -> Response:
        with audited(request, doc_id) as entry:
            doc = service.store.get_document(doc_id)
            if doc is None or not service.store.delete_document(doc_id):
                raise HTTPException(404, f"no document {doc_id}")
            entry.before = {k: getattr(doc, k) for k in ("title", "region", "year", "source", "sha256")}
        return Response(status_code=204)

    @app.get("/api/metrics", response_model=list[MetricRow],
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def metric_rows(metric: str | None = None, region: str | None = None,
                    year: int | None = Query(default=None, ge=1900, le=2100),
                    measure: str | None = Query(default=None, max_length=100,
                                                description="words the measure (or label) contains"),
                    scope_kind: Literal["region", "government", "subunit"] | None = None,
                    scope: str | None = Query(default=None, max_length=100, description="words the scope contains"),
                    kind: Literal["level", "change"] | None = None,
                    source: Literal["text", "table"] | None = None, doc_id: str | None = None,
                    format: str | None = None, service: Service = Depends(svc)) -> list[MetricRow] | Response:
        rows = service.store.facts(metric=metric, region=region, year=year, measure_like=measure,
                                   scope_kind=scope_kind, scope_like=scope, kind=kind, source=source,
                                   doc_ids=[doc_id] if doc_id else None)
        if format == "csv":
            return Response(_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="metrics.csv"'})
        return rows

    return app
