import threading
import time

from rag.schema import AskRequest
from rag.service import Service
from rag.stages import measure_stages, stage


def test_stages_are_exclusive_and_free_outside_a_measurement() -> None:
    with stage("ignored"):
        pass  # no recorder: nothing happens, nothing fails
    with measure_stages() as seconds, stage("outer"):
        time.sleep(0.02)
        with stage("inner"):
            time.sleep(0.05)
    assert seconds["inner"] >= 0.05
    assert 0.02 <= seconds["outer"] < 0.05  # the nested stage is not counted twice


def test_a_measurement_belongs_to_its_own_thread() -> None:
    seen: dict[str, float] = {}

    def other() -> None:
        with stage("elsewhere"):
            time.sleep(0.01)

    with measure_stages() as seconds:
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
        seen.update(seconds)
    assert "elsewhere" not in seen


def test_answers_report_their_stages(corpus_service: Service) -> None:
    region = corpus_service.store.list_documents()[0].region
    lookup = corpus_service.ask(AskRequest(question=f"{region}办结了多少件行政复议案件？"))
    assert {"understand", "bm25", "dense", "answer", "total"} <= lookup.timings_ms.keys()
    parts = sum(v for k, v in lookup.timings_ms.items() if k != "total")
    assert parts <= lookup.timings_ms["total"] + 1.0
    ranking = corpus_service.ask(AskRequest(question="哪个地区的行政复议纠错率最高？"))
    assert ranking.route == "aggregate" and "metrics" in ranking.timings_ms


def test_warm_up_loads_the_index_before_the_first_question(tmp_path) -> None:
    from tests.conftest import build_service

    first = build_service(tmp_path, embedding_model="none")
    first.close()
    reopened = Service(first.settings)
    try:
        assert reopened.retriever.bm25._view is None  # nothing loaded yet
        reopened.warm_up()
        assert reopened.retriever.bm25._view is not None
        assert reopened.retriever.bm25._view.version == reopened.store.version()
    finally:
        reopened.close()
