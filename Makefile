# The two set-up commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[kiosk,server,test,bench,report]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pix-kiosk demo

# The server's tests run on SQLite, and on PostgreSQL too when it is installed: a throwaway
# cluster for the run (scripts/throwaway-postgres.sh; without PostgreSQL it says so and goes on).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	QT_QPA_PLATFORM=offscreen bash scripts/throwaway-postgres.sh $(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info
