"""The generated snippets write the guide's notation (w₂, x<sub>t</sub>, ∂SSR/∂w₂), not ASCII.

Code stays code: backtick spans, fenced and indented code blocks, KaTeX (\\(…\\), \\[…\\]),
HTML attributes, the JSON of data snippets and the API page (which documents Python names
like ``w2``) are not prose and are skipped.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from figures.notation import html, symbol

SNIPPETS = Path(__file__).resolve().parents[1] / "docs" / "snippets"
#: Snippets that are code or data, not prose.
NOT_PROSE = {"api.md", "playground-data.md"}

ASCII = re.compile(r"\bw[123]\b|\bb[12]\b|\b[A-Za-z]+_[tk]\b|\bW_hh\b|dSSR/d|\w_\(")
CODE = re.compile(
    r"`[^`\n]*`"                      # code spans
    r"|<code\b[^>]*>.*?</code>"       # inline HTML code
    r"|\\\(.*?\\\)|\\\[.*?\\\]"       # KaTeX
    r"|<[A-Za-z][^>]*>"               # tags and their attributes (ids such as example-explode-w2-10-million)
    r"|\{[^}\n]*#[\w-]+[^}\n]*\}",    # attribute lists { #ex-feedback-positive-w2 .exercise-title }
    re.S,
)


def prose_lines(text: str):
    """(line number, line) of the prose in a snippet, code blocks and spans blanked out."""
    fenced = False
    math = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if stripped.startswith("\\[") or stripped.startswith("$$"):
            math = not (stripped.endswith("\\]") and len(stripped) > 2)
            continue
        if math:
            math = not (stripped.endswith("\\]") or stripped.endswith("$$"))
            continue
        if fenced:
            continue
        yield number, CODE.sub(" ", line)


def ascii_notation(directory: Path) -> list[str]:
    found = []
    for path in sorted(directory.glob("*.md")):
        if path.name in NOT_PROSE:
            continue
        for number, line in prose_lines(path.read_text("utf-8")):
            for match in ASCII.finditer(line):
                found.append(f"{path.name}:{number}: {match.group(0)!r} in …{line[max(0, match.start() - 30):match.end() + 30].strip()}…")
    return found


def test_generated_snippets_write_notation_not_ascii():
    found = ascii_notation(SNIPPETS)
    assert not found, "ASCII notation in reader-visible snippet text:\n" + "\n".join(found[:30])


def test_the_check_finds_ascii_and_spares_code(tmp_path):
    (tmp_path / "bad.md").write_text(
        '=== "w2 = 2"\n\n    | t | x_t | dSSR/dy_t |\n    Predicted = y₃ × w₃ + b2; y_(t−1)\n', "utf-8")
    (tmp_path / "good.md").write_text(
        '=== "w₂ = 2"\n\n    `network.w2` and <code>w2</code>, \\(w_2\\), x<sub>t</sub>\n'
        '{ #ex-feedback-positive-w2 .exercise-title }\n<p id="example-explode-w2-10-million">w₂</p>\n'
        "```python\nw2 = 0.5\n```\n", "utf-8")
    (tmp_path / "api.md").write_text("w2 = 1\n", "utf-8")
    found = ascii_notation(tmp_path)
    assert [f.split(" in ")[0] for f in found] == [
        "bad.md:1: 'w2'", "bad.md:3: 'x_t'", "bad.md:3: 'dSSR/d'", "bad.md:4: 'b2'", "bad.md:4: 'y_('"]


@pytest.mark.parametrize("text, page", [
    ("∂SSR/∂yₜ", "∂SSR/∂y<sub>t</sub>"),
    ("yₜ₋₁ × w₂", "y<sub>t−1</sub> × w₂"),
    ("y₃ and 10⁻⁶", "y₃ and 10⁻⁶"),            # the typeface has subscript digits: left alone
    ("Wₕₕᵀ", "W<sub>hh</sub>ᵀ"),
])
def test_letter_subscripts_become_html(text, page):
    assert html(text) == page


def test_symbols():
    assert [symbol(n) for n in ("w1", "b1", "w2", "w3", "b2")] == ["w₁", "b₁", "w₂", "w₃", "b₂"]
    assert symbol("W_hh") == "W_hh"


def test_backward_table_reads_in_notation():
    """The /training/ table the brief was about: tab titles, header and sum in notation,
    with the header cells still words a screen reader can read."""
    text = (SNIPPETS / "backward-three-days.md").read_text("utf-8")
    assert text.startswith('=== "w₂ = 2"\n')
    assert ("| t | x<sub>t</sub> | ReLU′ | ∂SSR/∂y<sub>t</sub> | ∂SSR/∂x<sub>t</sub> | y<sub>t−1</sub> "
            "| term of ∂SSR/∂w₂, factors as in the formula |") in text
    assert "∂SSR/∂w₂ = 102.861 + 82.2888 + 0 = **185.1498**" in text
    assert "Predicted = y₃ × w₃ + b₂ = 10.89; ∂SSR/∂predicted = 2 × (10.89 − 0.5) = **20.78**" in text
