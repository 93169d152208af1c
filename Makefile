# Vägen: the two commands of the README.
#   make run            venv, install, init + demo if the database is empty, serve on 127.0.0.1:8501
#   make run PORT=8600  the same on another port
#   make test           venv, install, every test (SQLite, PostgreSQL, browser where installed)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
HOST   ?= 127.0.0.1

.PHONY: run test install lint bench clean

$(VENV)/.installerad: requirements.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Vägen kräver Python 3.11 eller nyare"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installerad

run: install
	$(PY) -m core init
	$(PY) -m core demo --om-tom
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

test: install
	$(PY) -m pytest -n 2 --dist loadgroup

lint: install
	$(VENV)/bin/ruff check core pages tests app.py
	$(VENV)/bin/ruff format --check core pages tests app.py

bench: install
	$(PY) -m core bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
