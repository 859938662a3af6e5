from rag.question.scope import select
from rag.schema import Document

DOCS = {d.doc_id: d for d in [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
                              for i, (r, y) in enumerate([("德清县", 2022), ("德清县", 2023), ("兰考县", 2023)])]}


def test_region_and_year_select_one_report() -> None:
    assert select(DOCS, ["德清县"], [2022]).doc_ids == ["d0"]


def test_missing_year_is_refused_naming_what_there_is() -> None:
    scope = select(DOCS, ["兰考县"], [2019])
    assert scope.doc_ids is None and "2019" in scope.refusal and "兰考县2023年度" in scope.refusal


def test_plans_for_next_year_read_this_years_report() -> None:
    assert select(DOCS, ["兰考县"], [2024], asks_plans=True).doc_ids == ["d2"]
