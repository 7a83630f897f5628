# The README's two commands are `make demo` and `make test`; both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean browser messages

$(VENV): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)

demo: $(VENV)
	$(BIN)/podcast-tool demo

test: $(VENV) browser
	$(BIN)/ruff check podcast_tool tests bench cli.py
	$(BIN)/python -m pytest -q

# The browser tests drive the system's Chromium (installed here where root and apt allow).
browser:
	@scripts/ensure-chromium

lint: $(VENV)
	$(BIN)/ruff check podcast_tool tests bench cli.py

bench: $(VENV)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

# Refresh the French catalogue from the sources: new texts appear untranslated (tests fail until
# they are translated), texts gone from the code are dropped.
messages: $(VENV)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --no-wrap -c TRANSLATORS: \
		--project podcast-tool -o build/podcast_tool.pot .
	$(BIN)/pybabel update -i build/podcast_tool.pot -d podcast_tool/locale -D podcast_tool \
		--no-wrap --ignore-obsolete --ignore-pot-creation-date

clean:
	rm -rf $(VENV) build *.egg-info
