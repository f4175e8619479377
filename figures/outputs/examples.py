"""Worked examples from the rnncore registry: one snippet per example, and the
reference table of them all.

A page shows example ``ID`` with ``--8<-- "snippets/example-ID.md"``.
"""
from __future__ import annotations

import html

from rnncore import examples

from ..notation import html as notation
from ..registry import snippet


#: Examples whose derivation the page typesets right above the card: the card shows the
#: result only, so the derivation is not repeated as a dense line of plain text.
TYPESET_ON_PAGE = frozenset({"sigmoid-derivative", "jacobian-bound", "bound-conditions"})


def card(example: examples.Example) -> str:
    """The box a chapter shows. The example's id is for machines: it is the box's anchor
    (``#example-ID``) and appears in the reference table, not in the reader's text."""
    lines = [f'!!! example "Worked example: {example.title}"', ""]
    if example.id not in TYPESET_ON_PAGE:
        lines += [f'    <p class="worked-expression">{html.escape(example.expression, quote=False)}</p>', ""]
    lines.append(f'    <p class="worked-value" id="example-{example.id}">Value: '
                 f"<strong>{html.escape(example.shown, quote=False)}</strong></p>")
    return notation("\n".join(lines)) + "\n"


def _register_card(example_id: str) -> None:
    snippet(f"example-{example_id}")(lambda params: card(examples.get(example_id)))


for _example_id in examples.ids():
    _register_card(_example_id)


@snippet("worked-examples-table")
def reference_table(params) -> str:
    rows = ["| Example | Expression | Value |", "|---|---|---|"]
    for example in examples.all_examples():
        anchor = f"{example.page}"
        expression = html.escape(example.expression, quote=False).replace("|", "\\|")
        rows.append(
            f'| [{example.title}]({anchor}) <br><span class="worked-id">`{example.id}`</span> '
            f"| {expression} | **{html.escape(example.shown, quote=False)}** |"
        )
    return notation("\n".join(rows)) + "\n"
