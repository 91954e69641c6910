# Two commands set everything up on a fresh machine:
#   make run    install, ingest the bundled corpus, build the index, serve the API on :8000
#   make test   install, then run the whole test suite (what CI runs)
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000
# server processes: 2 on a 2-core machine answer about 1.5x the requests of 1 (eval/REPORT.md)
WORKERS ?= 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# pip compiles every file it installs to bytecode: about 15 700 files, 35 s of the install, of which the service
# imports about 4 000. The installs below skip that, and each module's first import writes its bytecode instead
# (also where the shell says not to), so later processes load it compiled: a fresh `make run` about 20 s shorter
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install lint bench eval clean nlp

$(BIN)/kb: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --upgrade pip
	# torch first, pinned: the CPU build lies on this machine's disk
	$(BIN)/pip install --quiet --no-compile torch==2.13.0
	# what the service needs and no more: the test tools (dev) and the scale and lemma extras come with `make test`
	$(BIN)/pip install --quiet --no-compile -e .
	touch $(BIN)/kb

$(VENV)/.dev: $(BIN)/kb
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	touch $@

# the scale (Ray, Milvus) and lemma (spaCy's lookup tables) extras for the tests only
$(VENV)/.scale: $(VENV)/.dev
	$(BIN)/pip install --quiet --no-compile -e '.[dev,scale,lemma]'
	touch $@

install: $(BIN)/kb

run: install
	$(BIN)/kb models
	$(BIN)/kb ingest --summary
	$(BIN)/kb index
	$(BIN)/kb serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install $(VENV)/.dev $(VENV)/.scale
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Retrain the NorNE pipelines into nlp/models/ (committed; neither run nor test trains). First the e5 feature cache
# of the NorNE sentences (both cores), then Bokmål and Nynorsk in parallel, one thread each: 27.8 min wall in all on
# the 2-core machine at stop 24 (nb 8000 steps 23.9 min, nn 2500 steps 4.9 min), weights bit-identical to the committed.
nlp: install
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m nlp.train --lang all

bench: install
	$(BIN)/python -m eval.benchmark

clean:
	rm -rf data/index data/docs data/sources
