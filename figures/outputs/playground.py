"""The playground's data (chapter 13): what its two explorers show, computed by rnncore.

The page runs in the reader's browser without a server, so ``rnncore.playground``
computes every value in advance and this snippet puts them into the page as a JSON
``<script>`` block that ``docs/assets/playground.js`` reads. Values cited in the
prose (the grids, the random network's size) come from the same module.
"""
from __future__ import annotations

import json

from rnncore import playground
from rnncore.exact import show

from ..params import weights
from ..registry import snippet, values


@snippet("playground-data", reads=("network.*",))
def playground_data(params) -> str:
    data = playground.explorer_data(weights(params))
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    # "</" never occurs in the numbers; guard anyway so the block cannot end early.
    text = text.replace("</", "<\\/")
    return f'<script type="application/json" id="playground-data">{text}</script>\n'


@values("playground")
def playground_values(params) -> dict[str, str]:
    w2, gamma, lam = playground.W2_GRID, playground.GAMMA_GRID, playground.LAMBDA_GRID
    return {
        "playground.w2_min": show(w2[0]),
        "playground.w2_max": show(w2[-1]),
        "playground.w2_step": show(w2[1] - w2[0]),
        "playground.max_unrolls": str(playground.MAX_UNROLLS),
        "playground.gamma_min": show(gamma[0]),
        "playground.gamma_max": show(gamma[-1]),
        "playground.gamma_step": show(gamma[1] - gamma[0]),
        "playground.lambda_min": show(lam[0]),
        "playground.lambda_max": show(lam[-1]),
        "playground.lambda_step": show(lam[1] - lam[0]),
        "playground.horizon": str(playground.HORIZON),
        "playground.hidden": str(playground.HIDDEN),
        "playground.seed": str(playground.SEED),
        "playground.digits": str(playground.DIGITS),
    }
