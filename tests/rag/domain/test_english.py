from rag.domain.english import bridge, candidates, stem


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


def test_the_index_is_built_once_and_read_back_from_the_cache(tmp_path, monkeypatch) -> None:
    from rag.domain import english as bilingual

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = bilingual._index.__wrapped__()  # builds and writes the cache file
    written = bilingual._cache_path()
    assert written.parent == tmp_path / "govqa" and written.exists()
    monkeypatch.setattr(bilingual, "_cache_path", lambda: written)  # its key hashes the build's source

    def no_build() -> dict:
        raise AssertionError("built again although the cache holds the index")

    monkeypatch.setattr(bilingual, "_build_index", no_build)
    assert bilingual._index.__wrapped__() == built
