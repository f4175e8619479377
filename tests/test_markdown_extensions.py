"""The Markdown extensions that carry what pages mean (docs/extensions/guide_markdown),
run through plain Python-Markdown with the site's own extension list: no MkDocs."""
from __future__ import annotations

import json

import markdown
import pytest

from conftest import ROOT

guide_markdown = pytest.importorskip("guide_markdown")
from guide_markdown import GuideMarkdownError  # noqa: E402


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A tiny project: a values file, a snippet citing a value, node_modules linked."""
    values = tmp_path / "docs" / "snippets" / "values"
    values.mkdir(parents=True)
    (values / "demo.json").write_text(json.dumps({"demo.answer": "0.495", "demo.steps": "3"}), "utf-8")
    (tmp_path / "docs" / "snippets" / "cited.md").write_text("The prediction is {{ v:demo.answer }}.\n", "utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def convert(text: str) -> tuple[str, markdown.Markdown]:
    md = markdown.Markdown(
        extensions=["admonition", "tables", "toc", "pymdownx.arithmatex", "pymdownx.superfences",
                     "pymdownx.tabbed", "pymdownx.snippets", "guide_markdown.values", "guide_markdown.katex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True},
                           "pymdownx.snippets": {"base_path": ["docs"], "check_paths": True}},
    )
    return md.convert(text), md


def test_unknown_key_stops_with_the_key_and_a_suggestion(site):
    with pytest.raises(GuideMarkdownError) as error:
        convert("It is {{ v:demo.answr }}.")
    message = str(error.value)
    assert "{{ v:demo.answr }}" in message and "did you mean demo.answer?" in message
    assert "\n" not in message


def test_value_inside_a_snippet(site):
    html, _ = convert('Before.\n\n--8<-- "snippets/cited.md"\n')
    assert "The prediction is 0.495." in html
    assert "{{" not in html and "--8<--" not in html


def test_value_inside_a_table_cell(site):
    html, _ = convert("| Day | Value |\n|---|---|\n| {{ v:demo.steps }} | {{ v:demo.answer }} |\n")
    assert "<td>3</td>" in html and "<td>0.495</td>" in html


def test_value_in_a_heading_and_its_table_of_contents(site):
    html, md = convert("## After {{ v:demo.steps }} days\n\nText.\n")
    assert '<h2 id="after-3-days">After 3 days' in html
    assert md.toc_tokens[0]["name"] == "After 3 days"
    assert md.toc_tokens[0]["id"] == "after-3-days"


def test_value_in_an_admonition_and_a_tab(site):
    html, _ = convert('!!! note\n    It is {{ v:demo.answer }}.\n\n=== "One"\n\n    Tab {{ v:demo.steps }}.\n')
    assert "It is 0.495." in html and "Tab 3." in html


def test_math_is_rendered_at_build_time(site):
    html, _ = convert("Inline $w_2^{50}$ and\n\n$$\n\\frac{\\partial L}{\\partial w}\n$$\n")
    assert html.count('class="katex"') == 2
    assert 'class="katex-display"' in html
    assert "arithmatex" not in html and "\\(" not in html and "\\[" not in html


def test_bad_formula_names_it(site):
    with pytest.raises(GuideMarkdownError, match=r"\\frac\{1\}"):
        convert("Broken $\\frac{1}$ here.")


def test_shipped_katex_assets_are_npm_s():
    """docs/assets/katex is the set-up's copy of the npm package's stylesheet and woff2
    fonts (git-ignored), so that every generator ships them; it must match package-lock.json."""
    dist = ROOT / "node_modules" / "katex" / "dist"
    if not dist.is_dir():
        pytest.skip("node_modules/katex is not installed (make setup runs npm ci)")
    shipped = ROOT / "docs" / "assets" / "katex"
    expected = {"katex-swap.min.css"} | {f"fonts/{p.name}" for p in (dist / "fonts").glob("*.woff2")}
    present = {p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file()}
    assert present == expected
    for name in expected:
        assert (shipped / name).read_bytes() == (dist / name).read_bytes(), f"{name} differs from npm's; copy it again"


def test_mkdocs_names_the_page_and_the_key_without_a_traceback(site):
    """Under MkDocs the unknown key ends the build with the page and the key, no traceback."""
    import subprocess
    import sys

    (site / "docs" / "index.md").write_text("# Home\n\nIt is {{ v:demo.answr }}.\n", "utf-8")
    (site / "mkdocs.yml").write_text(
        "site_name: demo\nmarkdown_extensions:\n  - guide_markdown.values\nexclude_docs: |\n  snippets/\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site / "out")],
                            cwd=site, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    assert "Error reading page 'index.md'" in output, output
    assert "{{ v:demo.answr }}" in output and "did you mean demo.answer?" in output, output
