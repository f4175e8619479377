"""``{{ v:statland.low_medium.prediction }}``: numbers in prose come from rnncore.

``figures/build.py`` writes the values it computed as JSON under
``docs/snippets/values/``. This extension substitutes them into the Markdown
source before anything else parses it, but after ``pymdownx.snippets`` has
included its files (snippets' preprocessor has priority 32, this one 31). So a
value works in a snippet, a table cell, an admonition, a tab and a heading,
and the table of contents, which is built from the parsed heading, shows the
value too. An unknown key stops the build, naming the key (and the page, where
the generator tells which) with the closest known key.

Options: ``values_dir`` (default ``docs/snippets/values``, relative to the
directory the generator runs in, as ``pymdownx.snippets``' ``base_path`` is).
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

from guide_markdown import GuideMarkdownError, page_of

TOKEN = re.compile(r"\{\{\s*v:([A-Za-z0-9_.\-]+)\s*\}\}")
PRIORITY = 31  # after pymdownx.snippets (32), before normalize_whitespace (30) and html_block (20)

_loaded: dict[Path, tuple[tuple, dict[str, str]]] = {}


def load_values(folder: Path) -> dict[str, str]:
    """Every ``*.json`` under ``folder`` merged; re-read only when a file changed."""
    paths = sorted(folder.glob("*.json"))
    stamp = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    cached = _loaded.get(folder)
    if cached and cached[0] == stamp:
        return cached[1]
    merged: dict[str, str] = {}
    for path in paths:
        for key, value in json.loads(path.read_text("utf-8")).items():
            if key in merged:
                raise GuideMarkdownError(f"values: {key!r} is defined twice (second time in {path.name})")
            merged[key] = value
    _loaded[folder] = (stamp, merged)
    return merged


def substitute(text: str, values: dict[str, str], where: str | None = None) -> str:
    def replace(match: re.Match) -> str:
        key = match[1]
        if key not in values:
            close = difflib.get_close_matches(key, values, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            page = f"{where} cites" if where else "a page cites"
            raise GuideMarkdownError(
                f"values: {page} {{{{ v:{key} }}}}, which figures/build.py does not produce{hint}"
            )
        return values[key]

    return TOKEN.sub(replace, text)


class ValuesPreprocessor(Preprocessor):
    def __init__(self, md, folder: Path) -> None:
        super().__init__(md)
        self.folder = folder

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "{{" not in text:
            return lines
        return substitute(text, load_values(self.folder), page_of(self.md)).split("\n")


class ValuesExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {"values_dir": ["docs/snippets/values", "folder of the values figures/build.py writes"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        folder = Path(self.getConfig("values_dir")).resolve()
        md.preprocessors.register(ValuesPreprocessor(md, folder), "guide_values", PRIORITY)


def makeExtension(**kwargs) -> ValuesExtension:  # noqa: N802
    return ValuesExtension(**kwargs)
