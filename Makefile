# pressmetrics: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DB     ?= outputs/pressmetrics.duckdb
MIN_F1 ?= 0.95

.PHONY: install run test eval validate bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed  ## create .venv and install the project with its test extras

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

bench: install  ## throughput against the jieba floor; writes outputs/bench.json
	$(BIN)/python scripts/bench.py --out outputs/bench.json

clean:
	rm -rf $(VENV) outputs/*.duckdb outputs/*.jsonl
