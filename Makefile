# Two commands on a fresh machine: `make run` and `make test`. Both install everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs, each with its stamp: the runtime alone (`make run`: no torch, ray, playwright or pytest), and
# the test tools on top (`make test`), so `make test` after `make run` adds them. A venv from before the split
# (stamp .installed: runtime and test tools together) counts as both while it is newer than pyproject.toml.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
FULL_STAMP := $(VENV)/.installed
STORE ?= .govqa
EVAL_STORE := .govqa-eval
EVAL_OUT ?= evals/reports
BLIND_STORE := .govqa-blind
BLIND_OUT ?= evals/reports/blind
BLIND18_STORE := .govqa-blind18
BLIND18_OUT ?= evals/reports/blind18
REAL_STORE := .govqa-real
REAL_OUT ?= evals/reports/real
REAL2_STORE := .govqa-real2
REAL2_OUT ?= evals/reports/real2
REAL3_STORE := .govqa-real3
REAL3_OUT ?= evals/reports/real3
REAL4_STORE := .govqa-real4
REAL4_OUT ?= evals/reports/real4
REAL5_STORE := .govqa-real5
REAL5_OUT ?= evals/reports/real5
REAL6_STORE := .govqa-real6
REAL6_OUT ?= evals/reports/real6
WORDING_STORE := .govqa-wording
WORDING_OUT ?= evals/reports/wording
SOAK_OUT ?= /tmp/govqa-soak.json

.PHONY: install install-test run test pytest eval eval-blind eval-blind18 eval-real eval-real2 eval-real3 eval-real4 eval-real5 eval-real6 eval-wording lint bench bench-1m bench-deps clean browser ocr screenshots soak

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test $(FULL_STAMP) -nt pyproject.toml || $(BIN)/pip install -q -e .
	touch $@

# dev: pytest, ruff, playwright (driving Debian's chromium), the test-only libraries; st: sentence-transformers,
# with CPU torch installed first (letting the resolver pick torch pulls a multi-GB CUDA build); ray: the test
# of `govqa embed --ray` starts a local Ray instance (tests/ingest/test_ray_embed.py).
$(TEST_STAMP): $(RUN_STAMP)
	test $(FULL_STAMP) -nt pyproject.toml || { $(BIN)/pip install -q torch==2.13.0 && \
	  $(BIN)/pip install -q -e '.[dev,st,ray]'; }
	touch $@

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

run: install ocr
	$(BIN)/govqa ingest evals/corpus --store $(STORE)
	@echo "Serving on http://127.0.0.1:8000/ (API docs at http://127.0.0.1:8000/docs)"
	$(BIN)/govqa serve --store $(STORE) --host 127.0.0.1 --port 8000

# The eval inside `make test` writes its report to the ignored eval store: tests change no tracked file.
test: install-test browser pytest
	$(MAKE) eval EVAL_OUT=$(EVAL_STORE)/reports
	$(MAKE) eval-blind BLIND_OUT=$(BLIND_STORE)/reports
	$(MAKE) eval-blind18 BLIND18_OUT=$(BLIND18_STORE)/reports
	$(MAKE) eval-real REAL_OUT=$(REAL_STORE)/reports
	$(MAKE) eval-real2 REAL2_OUT=$(REAL2_STORE)/reports
	$(MAKE) eval-real3 REAL3_OUT=$(REAL3_STORE)/reports
	$(MAKE) eval-real4 REAL4_OUT=$(REAL4_STORE)/reports
	$(MAKE) eval-real5 REAL5_OUT=$(REAL5_STORE)/reports
	$(MAKE) eval-real6 REAL6_OUT=$(REAL6_STORE)/reports
	$(MAKE) eval-wording WORDING_OUT=$(WORDING_STORE)/reports

pytest: install-test browser ocr
	$(BIN)/pytest

# The widget is tested in Debian's Chromium (never a browser download); CJK fonts for readable screenshots.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# OCR tests typeset scans with Debian's WenQuanYi font; opencv (RapidOCR) needs libGL and GLib at import.
ocr:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc && ldconfig -p | grep -q libGL.so.1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei libgl1 libglib2.0-0 >/dev/null; }

# The gold Q&A harness on a fresh store built from the bundled reports; fails under evals/thresholds.toml.
eval: install
	rm -rf $(EVAL_STORE)
	$(BIN)/govqa ingest evals/corpus --store $(EVAL_STORE)
	$(BIN)/govqa eval --store $(EVAL_STORE) --gold evals/gold --out $(EVAL_OUT)

# The blind set (evals/blind: nine reports and 129 items written by someone who never read the code) on a
# store of the bundled and the blind reports; its own gates in evals/blind/thresholds.toml.
eval-blind: install
	rm -rf $(BLIND_STORE)
	$(BIN)/govqa ingest evals/corpus evals/blind/reports --store $(BLIND_STORE)
	$(BIN)/govqa eval --store $(BLIND_STORE) --gold evals/blind/gold --thresholds evals/blind/thresholds.toml \
	  --out $(BLIND_OUT)

# The second blind set (evals/blind18: six reports and 95 items, written blind for the scale session) on a
# store of the bundled and its own reports; gates in evals/blind18/thresholds.toml.
eval-blind18: install
	rm -rf $(BLIND18_STORE)
	$(BIN)/govqa ingest evals/corpus evals/blind18/reports --store $(BLIND18_STORE)
	$(BIN)/govqa eval --store $(BLIND18_STORE) --gold evals/blind18/gold --thresholds evals/blind18/thresholds.toml \
	  --out $(BLIND18_OUT)

# A real-report set: its twins' own checks, the metadata read from them (failing under $(4) of regions right or
# with any wrong), and its gold items under its gates. $(1): the set's folder, $(2): its store, $(3): where the
# reports go.
define real_set
	rm -rf $(2)
	$(BIN)/python -m evals.real.check --set $(1)
	$(BIN)/govqa ingest evals/corpus $(1)/reports --store $(2)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m evals.real.metadata --set $(1) --store $(2) \
	  --min-region $(4) --max-wrong 0 --out $(3)/metadata.md
	$(BIN)/govqa eval --store $(2) --gold $(1)/gold --thresholds $(1)/thresholds.toml --out $(3)
endef

# The real-report set (evals/real: reworded twins of 42 published reports, 139 items written blind from the
# published text).
eval-real: install
	$(call real_set,evals/real,$(REAL_STORE),$(REAL_OUT),0.95)

# The second real-report set (evals/real2: twins of 29 published reports, 178 items written blind in session 6 and
# scored once before any change of that session).
eval-real2: install
	$(call real_set,evals/real2,$(REAL2_STORE),$(REAL2_OUT),0.90)

# The third real-report set (evals/real3: twins of 28 published reports, 191 items written blind in session 7 and
# scored once before any change of that session).
eval-real3: install
	$(call real_set,evals/real3,$(REAL3_STORE),$(REAL3_OUT),0.82)

# The fourth real-report set (evals/real4: twins of 25 published reports, 173 items written blind in session 8 and
# scored once before any change of that session).
eval-real4: install
	$(call real_set,evals/real4,$(REAL4_STORE),$(REAL4_OUT),0.85)

# The fifth real-report set (evals/real5: twins of 23 published reports, 152 items written blind in session 9 and
# scored once before any change of that session).
eval-real5: install
	$(call real_set,evals/real5,$(REAL5_STORE),$(REAL5_OUT),0.95)

# The sixth real-report set (evals/real6: twins of 23 published reports, 154 items written blind in session 10 and
# scored once before any change of that session).
eval-real6: install
	$(call real_set,evals/real6,$(REAL6_STORE),$(REAL6_OUT),0.85)

# Questions as people ask them (evals/wording: 110 items written blind, two thirds English or colloquial) over
# the bundled and both blind sets' reports; gates in evals/wording/thresholds.toml.
eval-wording: install
	rm -rf $(WORDING_STORE)
	$(BIN)/govqa ingest evals/corpus evals/blind/reports evals/blind18/reports --store $(WORDING_STORE)
	$(BIN)/govqa eval --store $(WORDING_STORE) --gold evals/wording --thresholds evals/wording/thresholds.toml \
	  --out $(WORDING_OUT)

# Refresh the README's screenshots (evals/reports/*.png) from the browser tests; `make test` writes
# its screenshots to a temporary folder instead.
screenshots: install-test browser
	GOVQA_SCREENSHOTS=$(CURDIR)/evals/reports $(BIN)/pytest -q tests/bot/test_widget_browser.py tests/bot/test_admin_browser.py

lint: install-test
	$(BIN)/ruff check rag ingest bot evals tests

# The scale suite (evals/bench.py): ingest and query at the five reports and 1k/10k/100k synthetic chunks,
# the plain LangChain baseline, targets; writes evals/reports/bench.json and bench.md. bench-1m adds 1M chunks.
bench-deps: install-test
	$(BIN)/pip install -q -e '.[dev,st,ray,bench]'

# The load run first: its figures (evals/reports/load.json) go into bench.json and bench.md.
bench: bench-deps
	$(BIN)/pytest -m load -s tests/bot/test_load.py
	$(BIN)/python -m evals.bench

bench-1m: bench-deps
	$(BIN)/python -m evals.bench --with-1m

clean:
	rm -rf $(EVAL_STORE) $(BLIND_STORE) $(BLIND18_STORE) $(REAL_STORE) $(REAL2_STORE) $(WORDING_STORE) .pytest_cache

# The probe's heavy cases against a real server, bounded (each phase's requests 150 s, the whole 20 min):
# /api/ask p95 beside four 200k-character /v1 conversations and a 190 MB-XML docx, a 200k-cell table,
# a 30 MB store disk filled up (tmpfs: needs root, else skipped). Prints its figures; JSON in SOAK_OUT.
soak: install
	timeout 1200 $(BIN)/python -m evals.soak --out $(SOAK_OUT)
