# The Makefile only calls the fangkong command and the test runner; see README.md.
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
UV_ABS := $(if $(filter .tools/%,$(UV)),$(CURDIR)/$(UV),$(UV))
RUN_IN_SRC := cd src/fangkong && FANGKONG_DEBUG=1 $(UV_ABS) run --frozen --project $(CURDIR)

.PHONY: demo test install lint format messages serve

demo: install  ## start a demo district on SQLite at http://127.0.0.1:8000
	FANGKONG_DEMO=1 $(RUN) fangkong demo --serve

test: install  ## the whole test suite (SQLite, or FANGKONG_DATABASE_URL)
	$(RUN) pytest

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock $(if $(filter .tools/%,$(UV)),$(UV))
	UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen
	@touch $@

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

lint: install
	$(RUN) ruff check src tests bench conftest.py
	$(RUN) ruff format --check src tests bench conftest.py
	$(RUN) mypy

format: install
	$(RUN) ruff format src tests bench conftest.py
	$(RUN) ruff check --fix src tests bench conftest.py

messages: install  ## extract and compile translations after changing strings
	$(RUN_IN_SRC) fangkong makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete --no-location --ignore 'tests/*' --ignore 'settings_test.py' --ignore 'static/vendor/*'
	$(RUN) python tools/sync_hant.py
	$(RUN_IN_SRC) fangkong compilemessages

serve: install
	$(RUN) fangkong serve
