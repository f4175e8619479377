"""A smoke build on Zensical, the successor of Material for MkDocs: it reads
mkdocs.yml and runs the same Python-Markdown extensions, but no MkDocs hook and no
mkdocs-jupyter. Every page in the navigation must still mean what it says: values
filled in, math rendered, snippets included, figures present. Notebook entries link
to the downloadable ``.ipynb``."""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import yaml


try:
    importlib.import_module("zensical")
except ImportError:
    pytest.skip("zensical is not importable: install the pinned version from requirements.lock "
                "(make setup does) to run the Zensical smoke build", allow_module_level=True)

RAW_TEX = re.compile(r'\\\(|\\\[|class="arithmatex"|(?<![\\$\w])\$\$?[^$<\n]+\$')
SNIPPET_MARKER = re.compile(r"--8&lt;--|--8<--|;--8<--")
REFERENCE = re.compile(r'(?:src|href)="(?P<url>[^"#?]+)')


def nav_sources(nav) -> list[str]:
    sources = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            sources += nav_sources(value)
        else:
            sources.append(value)
    return sources


def built_path(site: Path, source: str) -> Path:
    if source.endswith(".ipynb"):
        return site / source
    stem = source.removesuffix(".md")
    return site / "index.html" if stem == "index" else site / stem / "index.html"


@pytest.fixture(scope="module")
def zensical_site(zensical_build):
    # `zensical build --clean` in a copy (the copy's extensions on PYTHONPATH, installed
    # or not), run by the session's second lane (conftest.zensical_build)
    root, result = zensical_build.root, zensical_build.result
    assert result.returncode == 0, result.stdout + result.stderr
    return root, root / "site"


def test_every_nav_page_is_built_and_means_what_it_says(zensical_site):
    root, site = zensical_site
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    sources = nav_sources(config["nav"])
    assert len(sources) > 15
    for source in sources:
        page = built_path(site, source)
        assert page.is_file(), f"{source}: {page.relative_to(site)} was not built"
        if page.suffix != ".html":
            continue
        text = page.read_text("utf-8")
        assert "{{ v:" not in text and "{{v:" not in text, f"{source}: an unfilled value"
        assert not RAW_TEX.search(text.split("<article", 1)[-1].split("</article>", 1)[0]), \
            f"{source}: raw TeX: {RAW_TEX.search(text)[0]!r}"
        assert not SNIPPET_MARKER.search(text), f"{source}: an unresolved snippet marker"
        for match in REFERENCE.finditer(text):
            url = match["url"]
            if "://" in url or url.startswith(("mailto:", "data:", "//")):
                continue
            target = Path(unquote(urljoin("/" + page.relative_to(site).as_posix(), url)).lstrip("/"))
            if "figures/" in url or url.endswith(".ipynb"):
                resolved = site / target
                assert resolved.is_file() or (resolved / "index.html").is_file(), f"{source}: {url} is missing"


def test_math_values_and_notebooks(zensical_site):
    root, site = zensical_site
    statland = (site / "statland" / "index.html").read_text("utf-8")
    assert statland.count('class="katex"') > 10, "math is rendered at build time"
    assert (site / "assets" / "katex" / "katex-swap.min.css").is_file()
    assert (site / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").is_file()
    assert "mathjax" not in statland.lower() and "katex.min.js" not in statland
    index = (site / "index.html").read_text("utf-8")
    for notebook in ("statland", "exploding-vanishing", "bound"):  # downloadable, linked from the navigation
        assert f'notebooks/{notebook}.ipynb"' in index
        assert (site / "notebooks" / f"{notebook}.ipynb").read_bytes() == \
            (root / "docs" / "notebooks" / f"{notebook}.ipynb").read_bytes()
