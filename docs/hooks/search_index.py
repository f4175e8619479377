"""What the search index reads: prose, code once, and each formula once as plain text.

The search plugin indexes ``page.content``. By then a Markdown page's math is KaTeX
output, which says every formula three times (the MathML, its TeX annotation and the
drawn HTML), and a notebook page still carries ``$…$`` TeX, input and output prompts,
copy buttons ("Copied!") and a hidden copy of each cell's source.

Just before the search plugin runs, this hook hands it a cleaned copy of the page,
and just after, it puts the page back, so readers and screen readers get the page
unchanged:

* inline math becomes the text of its MathML tokens (``w₂``-style ``w2``, ``λ``),
  display math is left out;
* notebook code cells (with their prompts, copy buttons, hidden sources and
  outputs) are left out, so a notebook is found by its prose, and notebook TeX
  becomes the same plain text.
"""
from __future__ import annotations

import re

from mkdocs.plugins import CombinedEvent, event_priority
from selectolax.lexbor import LexborHTMLParser

DROP = ", ".join([
    ".katex-display", ".math-display",          # display math: not at all
    ".katex-html", "annotation",                 # the drawn copy and the TeX source
    ".jp-InputPrompt", ".jp-OutputPrompt",       # In [1]:, Out[1]:
    ".zeroclipboard-container", "clipboard-copy", "button",
    ".jp-CodeCell",                              # notebook code and outputs: the prose cells say
                                                 # what a notebook does; a hit is not a code dump
    ".celltoolbar", "script", "style", "textarea",
    ".clipboard-copy-txt", "[hidden]",
])

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "psi": "ψ",
    "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Phi": "Φ", "partial": "∂", "nabla": "∇", "sum": "Σ",
    "prod": "∏", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈",
    "ne": "≠", "neq": "≠", "to": "→", "rightarrow": "→", "infty": "∞", "ll": "≪", "gg": "≫", "odot": "⊙",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|", "pm": "±",
    "top": "ᵀ", "prime": "′", "ldots": "…", "dots": "…", "cdots": "⋯", "in": "∈", "mid": "|",
}
SUPERSCRIPTS = str.maketrans("0123456789+-−()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾")
SUBSCRIPTS = str.maketrans("0123456789+-−()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎")
SCRIPT_CHARS = set("0123456789+-−()")
SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\S))")
COMMAND = re.compile(r"\\([A-Za-z]+|.)")
FRACTION = re.compile(r"\\[dt]?frac\s*(\{[^{}]*\}|\\?\w)\s*(\{[^{}]*\}|\\?\w)")
NOTEBOOK_MATH = re.compile(r"(?<![\\$])\$\$(?P<block>[^$]+?)\$\$|(?<![\\$\w])\$(?P<inline>[^$\n]+?)\$(?![\w$])")


def _argument(tex: str) -> str:
    inner = tex_to_text(tex.strip("{}"))
    return inner if len(inner) <= 1 or inner.isalnum() else f"({inner})"


def tex_to_text(tex: str) -> str:
    """TeX as the plain text a reader would type: ``\\lVert W_{hh} \\rVert_2`` → ``‖Whh‖2``."""
    def command(match: re.Match) -> str:
        name = match[1]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in {",", ";", ":", "!", " ", "quad", "qquad"}:
            return " "
        if name in {"{", "}", "%", "$", "_", "&", "#"}:
            return name
        return ""  # \frac, \operatorname, \mathrm, \left, \right, …: only their arguments stay

    text = FRACTION.sub(lambda m: f"{_argument(m[1])}/{_argument(m[2])}", tex)
    text = COMMAND.sub(command, text)
    text = SCRIPT.sub(lambda m: (m[2] or m[3]).translate(SUPERSCRIPTS if m[1] == "^" else SUBSCRIPTS)
                      if all(c in SCRIPT_CHARS for c in (m[2] or m[3])) else (m[2] or m[3]), text)
    text = re.sub(r"[{}^_&]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _plain_math(node) -> str:
    return re.sub(r"\s+", " ", node.text(deep=True, separator="")).strip()


def clean(content: str) -> str:
    """The page as the search index should read it."""
    tree = LexborHTMLParser(f"<div id='search-root'>{content}</div>")
    root = tree.css_first("#search-root")
    for node in root.css(DROP):
        node.decompose()
    for node in root.css(".katex"):
        node.replace_with(_plain_math(node))
    html = root.html[len("<div id=\"search-root\">"):-len("</div>")]
    return NOTEBOOK_MATH.sub(lambda m: "" if m["block"] is not None else tex_to_text(m["inline"]), html)


_originals: dict[str, str] = {}


@event_priority(100)  # before the search plugin (priority 0) reads the page
def _hand_over_clean_copy(context, page, config, nav):
    _originals[page.file.src_uri] = page.content
    page.content = clean(page.content or "")
    return context


@event_priority(-100)  # after it: readers get the page unchanged
def _put_back(context, page, config, nav):
    if page.file.src_uri in _originals:
        page.content = _originals.pop(page.file.src_uri)
    return context


on_page_context = CombinedEvent(_hand_over_clean_copy, _put_back)
