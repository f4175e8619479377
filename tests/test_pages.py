"""Pages only show computed numbers, include snippets that exist, and show every example."""
import re

import pytest

from conftest import ROOT
from rnncore import examples

DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "snippets" not in p.parts and "overrides" not in p.parts)
SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+)"', re.M)
FLOAT_ARTEFACT = re.compile(r"\d\.\d*(?:0{6,}|9{6,})\d")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_included_snippets_exist(page):
    for name in SNIPPET.findall(page.read_text("utf-8")):
        assert (DOCS / name).is_file(), f"{page.name} includes {name}, which does not exist"


def test_snippet_check_catches_a_missing_file(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('Text\n\n--8<-- "snippets/no-such-snippet.md"\n')
    missing = [name for name in SNIPPET.findall(page.read_text()) if not (DOCS / name).is_file()]
    assert missing == ["snippets/no-such-snippet.md"]


@pytest.mark.parametrize("path", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.relative_to(DOCS)))
def test_no_float_artefacts(path):
    found = FLOAT_ARTEFACT.findall(path.read_text("utf-8"))
    assert not found, f"{path.relative_to(DOCS)} shows float artefacts {found}; print exact values"


def test_float_artefact_pattern():
    assert FLOAT_ARTEFACT.search("0.9900000000000001")
    assert FLOAT_ARTEFACT.search("2.9999999999999996")
    assert not FLOAT_ARTEFACT.search("0.99 and 1,125,899,906,842,624 and 8.881784197001252")


@pytest.mark.parametrize("example_id", examples.ids())
def test_every_example_is_shown_on_its_page(example_id):
    example = examples.get(example_id)
    page = (DOCS / example.page).read_text("utf-8")
    assert f'"snippets/example-{example_id}.md"' in page, f"{example.page} does not show {example_id}"
