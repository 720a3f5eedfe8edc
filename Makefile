# Aineistopankki: `make demo` to see it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= catalog.db
SOURCES ?= harvester/registry/sources.yml
PORT ?= 8001
DEMO_PORT ?= 8701
AXE_CORE := 4.11.0
AXE := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: install browser redis ocr demo test harvest serve lint format pdfs bench bench-scale clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m harvester.catalog.lemmas  # the lemma dictionaries' block index, cached once
	touch $(STAMP)

# Start the demo web on 127.0.0.1:$(DEMO_PORT) and the six ports after it, harvest it into $(DB),
# serve Datasette on :$(PORT). Either busy? `make demo PORT=8011 DEMO_PORT=8801`.
demo: install
	$(BIN)/aineistopankki demo --db $(DB) --port $(PORT) --demo-port $(DEMO_PORT)

# The browser tests drive Debian's chromium (Playwright's own browser download is not used) and
# audit pages with axe-core from npm (tests/test_accessibility.py injects it).
browser: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: the browser tests will be skipped"; }
	@test -n "$$(fc-list :lang=ti 2>/dev/null)" || { \
		echo "Installing an Ethiopic font, so that Tigrinya shows in the screenshots"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-sil-abyssinica >/dev/null) \
		|| echo "Could not install fonts-sil-abyssinica: Tigrinya shows as boxes in the screenshots"; }

$(AXE):
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing npm for axe-core"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) \
		|| echo "Could not install npm: the accessibility tests will be skipped"; }
	-npm install --silent --no-audit --no-fund --save-exact --prefix .cache/axe axe-core@$(AXE_CORE)

# The distributed harvest's tests start their own redis-server (Debian's) on a free loopback port.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "Installing Debian's redis-server for the distributed harvest tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
		|| echo "Could not install redis-server: the distributed harvest tests will be skipped"; }

# Image-only PDFs are read by Debian's Tesseract with the catalogue's language packs (tests/test_ocr.py).
OCR_PACKS := fin swe eng ara fas rus ukr est tir kmr
ocr:
	@missing=""; for pack in $(OCR_PACKS) osd; do \
		tesseract --list-langs 2>/dev/null | grep -qx "$$pack" || missing="$$missing $$pack"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Tesseract and its language packs:$$missing"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr \
			$(addprefix tesseract-ocr-,$(OCR_PACKS)) >/dev/null) \
		|| echo "Could not install Tesseract: the OCR tests will be skipped"; fi

test: install browser redis ocr
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Harvest the real sources (or SOURCES=...) politely into $(DB).
harvest: install
	$(BIN)/aineistopankki harvest --sources $(SOURCES) --db $(DB)

serve: install
	$(BIN)/aineistopankki serve --db $(DB) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks: each prints its figures (ratios to a baseline measured in the same run) on a final line.
bench: install ocr
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/realdata.py
	$(BIN)/python bench/tagging.py
	$(BIN)/python bench/reharvest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/discovery.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/politeness.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/distributed.py

# A catalogue of 100,000 synthetic materials and Datasette's latency on it (several minutes, ~1 GB of disk).
bench-scale: install
	$(BIN)/python bench/catalogue_scale.py

# Rebuild the demo web's PDFs from demo/pdf-src (needs the DejaVu fonts).
pdfs: install
	$(BIN)/python -m demo.build_pdfs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
