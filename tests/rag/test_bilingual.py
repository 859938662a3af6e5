from rag.bilingual import bridge, candidates, stem


def test_dictionary_gives_chinese_candidates_for_english_words() -> None:
    assert "调解" in candidates("mediation")
    assert "官司" in candidates("lawsuits")


def test_bridge_keeps_only_terms_the_store_knows() -> None:
    known = {"调解", "纠纷"}
    terms = bridge("How many disputes were settled by mediation?", lambda w: w in known)
    assert set(terms) <= known and "调解" in terms


def test_stem() -> None:
    assert stem("cases") == stem("case")
    assert stem("closed") == stem("close")
    assert stem("mediation") == stem("mediate")
