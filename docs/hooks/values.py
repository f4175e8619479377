"""Numbers in prose come from rnncore: ``{{ v:statland.low_medium.prediction }}``.

``figures/build.py`` writes the values as JSON under ``docs/snippets/values/``;
this hook substitutes them into each page's Markdown. An unknown key stops the
build, naming the page and the key.
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

VALUES_DIR = Path(__file__).resolve().parents[1] / "snippets" / "values"
TOKEN = re.compile(r"\{\{\s*v:([A-Za-z0-9_.\-]+)\s*\}\}")

_values: dict[str, str] = {}


def load_values() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(VALUES_DIR.glob("*.json")):
        for key, value in json.loads(path.read_text("utf-8")).items():
            if key in merged:
                raise PluginError(f"values: {key!r} is defined twice (second time in {path.name})")
            merged[key] = value
    return merged


def substitute(markdown: str, values: dict[str, str], where: str) -> str:
    def replace(match: re.Match) -> str:
        key = match[1]
        if key not in values:
            close = difflib.get_close_matches(key, values, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise PluginError(f"values: {where} cites {{{{ v:{key} }}}}, which figures/build.py does not produce{hint}")
        return values[key]

    return TOKEN.sub(replace, markdown)


def on_pre_build(config):
    _values.clear()
    _values.update(load_values())


def on_page_markdown(markdown, page, config, files):
    return substitute(markdown, _values, page.file.src_uri)
