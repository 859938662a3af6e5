import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.storelock import StoreLock, read_owner
from tests.corpus import REPORTS

runner = CliRunner()


def _env() -> dict[str, str | None]:
    # English messages whatever the machine's locale (tests/bot/test_cli_locale.py covers Chinese).
    return {"GOVQA_EMBEDDING_MODEL": "none", "GOVQA_ADMIN_TOKEN": "", "LANG": "C", "LANGUAGE": None, "LC_ALL": None,
            "LC_MESSAGES": None}


def test_ingest_docs_ask_round_trip_and_failure_exit_code(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(REPORTS[0], corpus / REPORTS[0].name)
    (corpus / "bad.docx").write_bytes(b"not a zip")
    store = str(tmp_path / "store")
    result = runner.invoke(app, ["ingest", str(corpus), "--store", store], env=_env())
    assert result.exit_code == 2
    assert "bad.docx" in result.output and "added" in result.output

    docs = runner.invoke(app, ["docs", "--json", "--store", store], env=_env())
    rows = json.loads(docs.stdout)
    assert [r["doc_id"] for r in rows] == [REPORTS[0].stem] and rows[0]["year"]

    again = runner.invoke(app, ["ingest", str(corpus / REPORTS[0].name), "--store", store], env=_env())
    assert again.exit_code == 0 and "unchanged" in again.output

    asked = runner.invoke(app, ["ask", "火星基地有多少个？", "--json", "--store", store], env=_env())
    body = json.loads(asked.stdout)
    assert body["answerable"] is False and body["route"] in {"unanswerable", "lookup"}


def test_cli_will_not_open_a_store_a_server_owns(tmp_path: Path) -> None:
    store = tmp_path / "store"
    lock = StoreLock(store)
    lock.acquire("http://127.0.0.1:9")
    try:
        owner = read_owner(store)
        assert owner is not None and owner.url == "http://127.0.0.1:9"
        result = runner.invoke(app, ["ingest", str(REPORTS[0]), "--store", str(store)], env=_env())
        assert result.exit_code == 1 and "govqa serve is running" in result.output
        assert not (store / "catalog.sqlite").exists()
    finally:
        lock.release()
    assert read_owner(store) is None


def test_second_server_on_same_store_is_refused(tmp_path: Path) -> None:
    first = StoreLock(tmp_path)
    first.acquire("http://127.0.0.1:1")
    try:
        second = StoreLock(tmp_path)
        try:
            second.acquire("http://127.0.0.1:2")
            raise AssertionError("second lock acquired")
        except RuntimeError as exc:
            assert "in use" in str(exc)
    finally:
        first.release()


def test_feedback_lists_what_was_recorded(tmp_path: Path) -> None:
    from rag.service import Service
    from rag.settings import Settings
    from rag.store.feedback import FeedbackIn

    service = Service(Settings(store=tmp_path, embedding_model="none"))
    service.feedback.add(FeedbackIn(session_id="s", question="问题一", answer="答", rating="up"))
    service.feedback.add(FeedbackIn(session_id="s", question="问题二", answer="答", rating="down", comment="错"))
    service.close()
    result = runner.invoke(app, ["feedback", "--rating", "down", "--json", "--store", str(tmp_path)], env=_env())
    rows = json.loads(result.stdout)
    assert [r["question"] for r in rows] == ["问题二"] and rows[0]["comment"] == "错"


def test_metrics_command_lists_facts_filtered_by_measure_and_scope(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(
        "<html><body><div><h1>某县2023年法治政府建设情况的报告</h1><p>全县共受理行政复议案件281件。</p>"
        "<p>城关镇受理调解案件45件，调解成功43件。</p>"
        "<table><tr><td>项目</td><td>2022年</td><td>2023年</td></tr>"
        "<tr><td>行政执法人员培训（人次）</td><td>1200</td><td>1350</td></tr></table></div></body></html>",
        encoding="utf-8")
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["ingest", str(report), "--store", store], env=_env()).exit_code == 0
    every = json.loads(runner.invoke(app, ["metrics", "--json", "--store", store], env=_env()).stdout)
    assert {r["value"] for r in every} >= {281, 45, 43, 1200, 1350}
    training = json.loads(runner.invoke(app, ["metrics", "--json", "--measure", "执法人员培训", "--store", store],
                                        env=_env()).stdout)
    assert sorted((r["value"], r["fact_year"], r["source"], r["unit"]) for r in training) == [
        (1200, 2022, "table", "人次"), (1350, 2023, "table", "人次")]
    towns = json.loads(runner.invoke(app, ["metrics", "--json", "--scope-kind", "subunit", "--store", store],
                                     env=_env()).stdout)
    assert {r["value"] for r in towns if not r["derived"]} == {45, 43} and {r["scope"] for r in towns} == {"城关镇"}
    derived = [r for r in towns if r["derived"]]  # the town's success rate, from the town's own counts
    assert [(r["formula"], r["scope_kind"]) for r in derived] == [("43/45", "subunit")]
    printed = runner.invoke(app, ["metrics", "--scope", "城关", "--store", store], env=_env())
    assert printed.exit_code == 0 and "subunit:城关镇" in printed.output
    bad = runner.invoke(app, ["metrics", "--scope-kind", "town", "--store", store], env=_env())
    assert bad.exit_code != 0


def test_every_command_names_its_store_and_reading_never_creates_one(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for command in (["docs"], ["ask", "泗阳县办结了多少件行政复议案件？"], ["metrics"], ["feedback"], ["eval"],
                    ["backup", str(tmp_path / "b")]):
        result = runner.invoke(app, [*command, "--store", str(missing)], env=_env())
        assert result.exit_code == 1, command
        assert f"store: {missing}" in result.stderr and f"no store at {missing} (from --store)" in result.stderr
    assert not missing.exists() and not (tmp_path / "b").exists()
    default = runner.invoke(app, ["docs"], env={**_env(), "GOVQA_STORE": str(missing)})
    assert default.exit_code == 1 and "(from GOVQA_STORE)" in default.stderr and not missing.exists()

    empty = tmp_path / "empty"
    from rag.store.database import Store

    Store(empty).close()
    listed = runner.invoke(app, ["docs", "--json", "--store", str(empty)], env=_env())
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    assert "has no documents yet: govqa ingest FILES --store" in listed.stderr


def test_version_and_completion() -> None:
    from importlib.metadata import version

    shown = runner.invoke(app, ["--version"])
    assert shown.exit_code == 0 and shown.stdout.strip() == f"govqa {version('govqa')}"
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout
