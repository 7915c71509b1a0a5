# Two commands for a fresh machine:  make run  |  make test
# Everything either needs is installed here, so CI on a new machine needs nothing by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
export FLASK_APP := wsgi
# The suite on both cores, a test file per process (README, Tests); "-n 0" runs it in one.
PYTEST_ARGS ?= -n 3 --dist worksteal
# The demo's port: `make run PORT=5001` when 5000 is taken (on macOS, AirPlay holds it).
PORT ?= 5000

.PHONY: run test install bytecode frontend chromium nginx fonts lint bench clean

run: install bytecode frontend fonts
	$(BIN)/flask db upgrade
	$(BIN)/flask rhi demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install bytecode frontend chromium nginx fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive rhi --severity-level medium
	npm run lint
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMPS)/python

$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# The app's modules compiled once, as pip does for installed packages: with Python told not to
# write bytecode (PYTHONDONTWRITEBYTECODE, as on these machines), every process start (each
# gunicorn worker, each flask command) compiled every module of rhi again, a fifth or more of
# its start-up. Quick when nothing changed; a module changed since is compiled again. Where rhi/
# cannot be written, Python compiles as it imports, as before: nothing fails for it.
bytecode: install
	-$(BIN)/python -m compileall -q rhi wsgi.py

frontend: $(STAMPS)/frontend

$(STAMPS)/frontend: package.json package-lock.json scripts/build-frontend.mjs
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund
	npm run build
	@touch $@

# Browser tests drive Debian's Chromium. Install it when missing: apt-get as root, otherwise
# Playwright's own download of Chromium.
chromium:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else $(BIN)/playwright install chromium; fi

# The two-server test (tests/deploy) puts nginx in front of two app servers: Debian's nginx-light.
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then echo "nginx: installed"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; \
	else echo "nginx is missing: sudo apt-get install nginx-light (tests/deploy needs it)"; exit 1; fi

# The PDFs (summaries, the child's letter) are drawn with the machine's fonts. DejaVu covers
# the Latin, Arabic and Pashto letters; Tigrinya's Ethiopic letters need Abyssinica SIL.
# Fonts the PDFs need beyond the defaults: Abyssinica SIL for Tigrinya's letters, Noto Color
# Emoji for the emoji children write (without it they print as empty boxes).
FONT_PACKAGES := fonts-sil-abyssinica fonts-noto-color-emoji
fonts:
	@if fc-list 2>/dev/null | grep -qi abyssinica && fc-list 2>/dev/null | grep -qi "color emoji"; then echo "fonts: Abyssinica SIL and Noto Color Emoji installed"; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FONT_PACKAGES); \
	else echo "fonts missing: sudo apt-get install $(FONT_PACKAGES) (Tigrinya letters and emoji in PDFs)"; fi

# ESLint and Prettier (pinned in package.json) check rhi's own JavaScript, never rhi/static/vendor.
lint: install frontend
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive rhi --severity-level medium
	npm run lint

bench: install bytecode frontend
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/returns_page.py
	$(BIN)/python bench/import_notifications.py

clean:
	rm -rf $(STAMPS) $(VENV) node_modules rhi/static/vendor
