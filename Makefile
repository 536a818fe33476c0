# pressmetrics: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DB     ?= outputs/pressmetrics.duckdb
MIN_F1 ?= 0.95

.PHONY: install run test eval robust validate bench report report-check clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,fast]'
	touch $@

# extraction's modules compiled with Cython (scripts/compile.py): the same records, faster; an
# edited module runs from its source until this is made again. Without a C compiler: pure Python.
# (the stamp lives in the build's folder: a folder removed by hand is built again)
COMPILED := $(shell $(PYTHON) scripts/compile.py --list)
pipeline/_compiled/.made: $(VENV)/.installed scripts/compile.py $(COMPILED)
	$(BIN)/python scripts/compile.py
	touch $@

install: pipeline/_compiled/.made  ## create .venv, install the project with its test extras, compile extraction

SEED := $(wildcard $(SHARED)/seed/*.txt)

run: install  ## whole pipeline over corpus/ (and the shared seed, read in place) into $(DB), then a cross-county comparison
	$(BIN)/pressmetrics ingest corpus $(SEED) --db $(DB)
	$(BIN)/pressmetrics compare --db $(DB) --by county --period year --wide

test: install  ## unit, rule-corpus and end-to-end tests, then the extraction gate on corpus/
	$(BIN)/pytest -q
	$(BIN)/pressmetrics validate corpus --min-f1 $(MIN_F1)

validate: install
	$(BIN)/pressmetrics validate corpus --min-f1 $(MIN_F1)

eval: install  ## score the shared dev set with the shared scorer
	$(BIN)/pressmetrics extract $(SHARED)/eval/dev --format jsonl > outputs/dev-pred.jsonl
	$(BIN)/python $(SHARED)/eval/score.py $(SHARED)/eval/dev outputs/dev-pred.jsonl

robust: install  ## score the dev set again after rewriting its articles in ways that keep the gold
	$(BIN)/python scripts/rewrite.py $(SHARED)/eval/dev

bench: install  ## throughput against the jieba floor; writes outputs/bench.json
	$(BIN)/python scripts/bench.py --out outputs/bench.json

report: install  ## the HTML report of the database (run `make run` first)
	$(BIN)/pressmetrics report --db $(DB) --out outputs/report.html

report-check: report  ## render the report in headless Chromium (Debian's chromium) to outputs/report.png
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	  --disable-component-update --disable-sync --user-data-dir=$$(mktemp -d) --window-size=1280,2400 \
	  --screenshot=$(CURDIR)/outputs/report.png file://$(CURDIR)/outputs/report.html
	@ls -l outputs/report.png

clean:
	rm -rf $(VENV) outputs/*.duckdb outputs/*.jsonl pipeline/_compiled
