"""Worked examples from the rnncore registry: one snippet per example, and the
reference table of them all.

A page shows example ``ID`` with ``--8<-- "snippets/example-ID.md"``.
"""
from __future__ import annotations

import html

from rnncore import examples

from ..registry import snippet


def card(example: examples.Example) -> str:
    return (
        f'!!! example "Worked example: {example.title}"\n\n'
        f'    <p class="worked-expression">{html.escape(example.expression, quote=False)}</p>\n\n'
        f"    Value: **{html.escape(example.shown, quote=False)}**"
        f' <span class="worked-id">`{example.id}`</span>\n'
    )


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
    return "\n".join(rows) + "\n"
