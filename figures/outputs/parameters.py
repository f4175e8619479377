"""The Parameters reference page: every key of figures/params.toml with its type,
range, current value and meaning, straight from ``figures/params.py`` SPEC, and
the relations between keys from its RULES."""
from __future__ import annotations

from ..notation import html as notation
from ..params import RULES, SPEC, toml_value
from ..registry import snippet


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@snippet("parameters-table", reads=("*",))
def parameters_table(params) -> str:
    lines: list[str] = []
    table = None
    for key, param in SPEC.items():
        section, _, name = key.rpartition(".")
        if section != table:
            table = section
            lines += ["", f"### `[{section}]`" if section else "### Top level", ""]
            if section:
                lines += [f"Written `{section}.NAME` in an output's `reads=`.", ""]
            lines += ["| Key | Type | Allowed | Value now | Meaning |", "|---|---|---|---|---|"]
        lines.append(
            f'| <code style="white-space: nowrap">{name}</code> | {param.kind.type_name} '
            f"| {_cell(param.kind.range())} | `{_cell(toml_value(params[key]))}` | {notation(_cell(param.meaning))} |"
        )
    return "\n".join(lines).lstrip("\n") + "\n"


@snippet("parameters-rules", reads=tuple(dict.fromkeys(key for rule in RULES for key in rule.keys)))
def parameters_rules(params) -> str:
    lines = ["| Rule | Values now | Why |", "|---|---|---|"]
    for rule in RULES:
        now = ", ".join(f"{key.rpartition('.')[2]} = {toml_value(params[key])}" for key in rule.keys)
        lines.append(f"| `{_cell(rule.text)}` | `{_cell(now)}` | {notation(_cell(rule.why))} |")
    return "\n".join(lines) + "\n"
