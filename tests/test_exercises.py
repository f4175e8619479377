"""Exercises: every chapter page ends with some, every answer is pinned, the listing
page holds them all. The chapter pages are read from mkdocs.yml's nav, so a chapter
added later without exercises fails here."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run
from figures.outputs.exercises import page_exercises, snippet_name
from rnncore import examples
from rnncore.exact import show
from rnncore.playground import predictions
from rnncore.statquest import HIGH, MEDIUM, STATQUEST, unroll

DOCS = ROOT / "docs"
#: Top-level nav entries that are not chapters: they carry no exercises.
NOT_CHAPTERS = {"Home", "Playground", "Notebooks", "Reference"}
LISTING = "exercises.md"


def nav_pages(entry) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [page for item in entry for page in nav_pages(item)]
    if isinstance(entry, dict):
        return [page for value in entry.values() for page in nav_pages(value)]
    return []


def chapter_pages(nav: list) -> list[str]:
    """Every Markdown page under a top-level nav section that is not Home, Playground,
    Notebooks or Reference."""
    pages = []
    for item in nav:
        for title, value in (item.items() if isinstance(item, dict) else [(None, item)]):
            if title in NOT_CHAPTERS:
                continue
            pages += [p for p in nav_pages(value) if p.endswith(".md") and "://" not in p]
    return pages


def include(page: str) -> str:
    return f'--8<-- "snippets/{snippet_name(page)}.md"'


def missing_exercises(nav: list, docs: Path, registered: dict[str, list[str]]) -> list[str]:
    """Chapter pages without an Exercises section that includes their exercises, or
    with fewer than 3 or more than 5 of them."""
    problems = []
    for page in chapter_pages(nav):
        text = (docs / page).read_text("utf-8") if (docs / page).exists() else ""
        headings = re.findall(r"^## (.+)$", text, re.M)
        if not headings or headings[-1].strip() != "Exercises":
            problems.append(f"{page}: its last section is not '## Exercises'")
        elif include(page) not in text.split("## Exercises")[-1]:
            problems.append(f"{page}: the Exercises section does not include {include(page)}")
        elif not 3 <= len(registered.get(page, [])) <= 5:
            problems.append(f"{page}: {len(registered.get(page, []))} exercises registered, 3 to 5 wanted")
    return problems


@pytest.fixture(scope="module")
def nav() -> list:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"]


def test_every_chapter_page_ends_with_exercises(nav):
    pages = chapter_pages(nav)
    assert {"statland.md", "training.md", "memory.md"} <= set(pages)
    assert not {"index.md", "playground.md", "worked-examples.md", LISTING} & set(pages)
    assert missing_exercises(nav, DOCS, examples.exercise_pages()) == []


def test_a_new_chapter_without_exercises_fails(nav, tmp_path):
    for page in chapter_pages(nav):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text((DOCS / page).read_text("utf-8"), "utf-8")
    new = "attention.md"  # a chapter that does not exist yet
    assert new not in chapter_pages(nav)
    (tmp_path / new).write_text("# Attention\n\n## Queries and keys\n\nText.\n", "utf-8")
    grown = [*nav, {"What came next": [{"Attention": new}]}]
    assert missing_exercises(grown, tmp_path, examples.exercise_pages()) == [
        f"{new}: its last section is not '## Exercises'"]
    (tmp_path / new).write_text("# Attention\n\n## Exercises\n\n" + include(new) + "\n", "utf-8")
    assert missing_exercises(grown, tmp_path, examples.exercise_pages()) == [
        f"{new}: 0 exercises registered, 3 to 5 wanted"]


def test_exercises_belong_to_chapters_and_each_chapter_has_every_kind(nav):
    chapters = set(chapter_pages(nav))
    for page, found in examples.exercise_pages().items():
        assert page in chapters, f"exercises registered for {page}, which is not a chapter in the nav"
        kinds = {examples.get(i).details["type"] for i in found}
        assert kinds == set(examples.EXERCISE_TYPES), f"{page}: exercises of the kinds {kinds} only"


def test_listing_page_holds_every_exercise():
    text = (DOCS / LISTING).read_text("utf-8")
    for page, found in examples.exercise_pages().items():
        assert include(page) in text, f"{LISTING} does not include the exercises of {page}"
        snippet = (DOCS / "snippets" / f"{snippet_name(page)}.md").read_text("utf-8")
        assert snippet == page_exercises(page), f"{snippet_name(page)}.md is stale: run figures/build.py"
        for exercise_id in found:
            assert f"{{ #{exercise_id} .exercise-title }}" in snippet
    nav_listing = nav_pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"])
    assert LISTING in nav_listing


@pytest.mark.parametrize("page", sorted(examples.exercise_pages()))
def test_every_answer_is_collapsed_under_its_question(page):
    snippet = page_exercises(page)
    count = len(examples.exercise_pages()[page])
    assert snippet.count('??? success "Answer"') == count
    assert "???+" not in snippet, "answers start closed"
    for number in range(1, count + 1):
        assert f"**Exercise {number}: " in snippet


def test_exercise_registry_is_listed_as_json(python):
    result = run([python, "-m", "rnncore", "examples", "--kind", "exercise", "--json"])
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [item["id"] for item in listed] == examples.ids("exercise")
    for item in listed:
        assert item["kind"] == "exercise" and item["question"] and item["answer"]
        assert isinstance(item["value"], (int, float, str, list))
    worked = json.loads(run([python, "-m", "rnncore", "examples", "--json"]).stdout)
    assert {item["kind"] for item in worked} == {"worked"}


def test_exercise_needs_a_question_an_answer_and_a_known_type():
    with pytest.raises(ValueError, match="type 'essay'"):
        examples.exercise("ex-x", page="x.md", type="essay", title="t", question="q", answer="a")
    with pytest.raises(ValueError, match="needs a question and an answer"):
        examples.exercise("ex-x", page="x.md", type="numeric", title="t", question="q", answer="")
    with pytest.raises(ValueError, match="must name the page"):
        examples.register("ex-x", kind="exercise")


#: Every exercise's computed answer (Example.value, as JSON carries it).
PINNED = {
    "ex-sequences-all-at-once": [833, 305, 18],  # and a tie, 305 = 305, at T = 17
    "ex-sequences-shapes": "many-to-one; many-to-many; one-to-many; one-to-one",
    "ex-architectures-conv-weights": [36, 324, 9, 2304],
    "ex-architectures-double-h": [337, 1185],
    "ex-feedback-one-day": 1.98,
    "ex-feedback-low-first": [0.99, 0.99],
    "ex-feedback-positive-w2": [0, 1.98, 0.99, 0.99],
    "ex-statland-medium-high": 1.485,
    "ex-statland-reset": 1.98,
    "ex-statland-third-high": [0.99, 1.485],
    "ex-unrolling-count": 1442,
    "ex-unrolling-untied": 144200,
    "ex-unrolling-first-copy": [0, 0],
    "ex-training-one-step": [1.1018, 0.002],
    "ex-training-central-difference": "-9/500",
    "ex-exploding-power": "3486784401/1048576",
    "ex-exploding-overflow": [1024, 1751],
    "ex-exploding-slow-growth": 38,
    "ex-vanishing-power": "515377520732011331036461129765621272702107522001/"
                          "100000000000000000000000000000000000000000000000000",
    "ex-vanishing-sigmoid": "1/1073741824",
    "ex-bound-value": "59049/1048576",
    "ex-bound-jacobian-norm": [0.5, 0.8],
    "ex-remedies-clip-norm": ["3", "4"],
    "ex-remedies-elementwise": [5.0, 5.0, 7.0711, 8.1],
    "ex-memory-ema-weight": "64/625",
    "ex-memory-one-percent": 7,
    "ex-memory-slower-fade": 44,
    "ex-statland-sign": [0, 0.99],
    "ex-unrolling-one-more-copy": [5, 5, 0.495, 0.7425],
    "ex-training-learning-rate": ["1/10000", "208121177209/10000000000000000",
                                  "486070209/625000000000000", "1993354609/1000000000000"],
    "ex-exploding-first-input": ["1125899906842624", "1"],
    "ex-vanishing-negative-w2": ["515377520732011331036461129765621272702107522001/"
                                 "100000000000000000000000000000000000000000000000000"] * 2
                                + ["-57264168970223481226273458862846808078011946889/"
                                   "10000000000000000000000000000000000000000000000000"],
    "ex-lstm-one-step": [0.9972, 0.3802],
    "ex-lstm-forget-95": "8663234049605954426644038200675212212900743262211018069459689001/"
                         "112589990684262400000000000000000000000000000000000000000000000000",
    "ex-gru-interpolation": [0.67, -0.37],
    "ex-gru-half-life": [15, 0.4825],
    "ex-flow-direct-path": [0.5, 0.7311, 0.9526, 1.7e-18, 9.4e-09, 0.057],
    "ex-flow-larger-bias": [2.7e-14, 2.6e-07, 0.022, 0.057],
    "ex-longrange-parameters": [97, 361, 281],
    "ex-longrange-lazy-model": ["2/3", 0.668],
}
#: Conceptual exercises carry the gist of the answer as their value; the rest are pinned above.
GIST = {"ex-architectures-assumptions", "ex-training-why-sum", "ex-vanishing-learning-rate",
        "ex-remedies-clip-vanishing", "ex-sequences-long-medium", "ex-bound-saturation",
        "ex-bound-relu", "ex-memory-when-to-fade", "ex-remedies-truncation", "ex-lstm-no-forgetting",
        "ex-gru-tied-gates", "ex-flow-same-quantity", "ex-longrange-path-length"}


def test_every_exercise_is_pinned():
    assert set(PINNED) | GIST == set(examples.ids("exercise"))


@pytest.mark.parametrize("exercise_id", sorted(PINNED))
def test_pinned_answer(exercise_id):
    exercise = examples.get(exercise_id)
    assert examples.plain(exercise.value) == PINNED[exercise_id]


def test_numeric_answers_show_their_value_in_bold():
    for exercise_id in examples.ids("exercise"):
        exercise = examples.get(exercise_id)
        if exercise.details["type"] == "numeric":
            assert "**" in exercise.answer, f"{exercise_id}: the answer does not set its result in bold"


def test_values_quoted_in_answers():
    """The numbers the prose states are the computed ones."""
    assert "**1.485**" in examples.get("ex-statland-medium-high").answer
    assert "**0.1024**" in examples.get("ex-memory-ema-weight").answer
    assert "**3325.26**" in examples.get("ex-exploding-power").answer
    assert "**(3, 4)**" in examples.get("ex-remedies-clip-norm").answer
    assert "**(5, 5)**" in examples.get("ex-remedies-elementwise").answer
    assert "**T = 1024**" in examples.get("ex-exploding-overflow").answer


def test_fifty_medium_days_swing_and_settle():
    """ex-sequences-long-medium: the predictions alternate around 0.66 with shrinking
    swings and reach it at four significant digits by T = 50."""
    values = [Decimal(v) for v in predictions(STATQUEST, "medium", 50)]
    settled = Decimal("0.66")
    gaps = [v - settled for v in values]
    assert all(a * b < 0 for a, b in zip(gaps, gaps[1:]))  # over, under, over, ...
    assert all(abs(b) < abs(a) for a, b in zip(gaps, gaps[1:]))
    assert abs(gaps[-1]) < Decimal("1e-4")
    assert examples.get("ex-sequences-long-medium").value[1] == settled


def test_longer_high_runs_swing_around_a_settling_value():
    """ex-statland-third-high: 'go up and down around a settling value'."""
    values = [Decimal(v) for v in predictions(STATQUEST, "high", 30)]
    settled = Decimal("1.8") / Decimal("1.5") * Decimal("1.1")
    gaps = [v - settled for v in values]
    assert all(a * b < 0 for a, b in zip(gaps, gaps[1:]))
    assert abs(gaps[-1]) < Decimal("1e-6")


def test_a_low_day_resets_the_loop():
    assert unroll([HIGH, 0.0, HIGH]).prediction == unroll([HIGH]).prediction
    assert unroll([0.0, HIGH, MEDIUM]).prediction == unroll([HIGH, MEDIUM]).prediction


def test_saturated_tanh_norms_fall_although_the_bound_grows():
    values = examples.get("ex-bound-saturation").value
    assert values[0] > values[1] > values[2]
    assert values[2] < 1e-6


def test_elementwise_clipping_turns_the_gradient():
    import numpy as np
    g, clipped = np.array([6.0, 8.0]), np.array([5.0, 5.0])
    angle = np.degrees(np.arccos(g @ clipped / (np.linalg.norm(g) * np.linalg.norm(clipped))))
    assert round(float(angle), 1) == 8.1


def test_central_difference_is_exact_for_a_parabola():
    assert Fraction(PINNED["ex-training-central-difference"]) == Fraction(-18, 1000)
    assert show(Decimal("1.1018")) in examples.get("ex-training-one-step").answer


def test_truncation_keeps_most_of_the_gradient_but_none_of_the_start():
    """ex-remedies-truncation: truncated to 5 of 50 steps, the W_hx gradient keeps 91 %;
    the old contributions had vanished (the initial state's gradient is tiny in full and
    exactly 0 truncated)."""
    from rnncore.examples.exercises_gradients import truncated_gradients
    g = truncated_gradients()
    assert round(100 * g["cut"] / g["full"]) == 91
    assert g["cut_h0"] == 0.0 and 0 < g["full_h0"] < 1e-6
    assert examples.get("ex-remedies-truncation").value[2] == g["cut"] / g["full"]


def test_a_larger_step_overshoots():
    before, small, medium, large = (Fraction(v) for v in PINNED["ex-training-learning-rate"])
    assert medium < small < before < large
    assert round(large / before) == 20


def test_all_at_once_ties_the_rnn_one_day_before_it_overtakes():
    from rnncore import parameters
    assert parameters.all_at_once_count(1, 16, 1, 17) == parameters.rnn_count(1, 16, 1).total
    assert "T = 17 (a tie)" in examples.get("ex-sequences-all-at-once").answer


# --- Beyond the vanilla RNN ---------------------------------------------------------------------

def test_lstm_step_exercise_matches_the_formulas():
    """ex-lstm-one-step: c = f c₀ + i g and h = o tanh(c) with the gates σ(1), σ(2), tanh(1), σ(0)."""
    import math
    sig = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    c = sig(2) * 0.5 + sig(1) * math.tanh(1)
    assert PINNED["ex-lstm-one-step"] == [round(c, 4), round(0.5 * math.tanh(c), 4)]


def test_forget_95_drops_below_a_tenth_at_45_days():
    assert 0.95 ** 44 > 0.1 > 0.95 ** 45
    assert 0.95 ** 50 < 0.1 and round(0.95 ** 50 / 0.9 ** 50) == 15
    assert "0.95⁴⁵ is already below a tenth" in examples.get("ex-lstm-forget-95").answer


def test_gru_interpolation_follows_the_engine_convention():
    """ex-gru-interpolation: rnncore.gru weighs the old state by z. A one-unit GRU whose gates
    and candidate are set through their biases gives (1 − z) n + z h."""
    import numpy as np
    from rnncore import gru
    z_bias, n_bias, h0 = 2.0, -0.5, 0.8
    model = gru.one_unit(reset_gate=(0, 0, 0), update_gate=(0, 0, z_bias), candidate=(0, 0, n_bias, 0))
    h = gru.forward(model, np.zeros((1, 1, 1)), h0=np.array([[h0]])).h[0, 0, 0]
    z, n = 1 / (1 + np.exp(-z_bias)), np.tanh(n_bias)
    assert h == pytest.approx((1 - z) * n + z * h0, abs=1e-15)
    new, swapped = PINNED["ex-gru-interpolation"]
    assert new > 0 > swapped  # swapped, the state changes sign


def test_gru_half_life_is_the_power_of_its_gate():
    import math
    z = 1 / (1 + math.exp(-3))
    day, h = PINNED["ex-gru-half-life"]
    assert z ** (day - 1) >= 0.5 > z ** day and round(z ** day, 4) == h


def test_flow_medians_gain_orders_of_magnitude_then_level_off():
    """ex-flow-larger-bias: 0 → 1 → 3 each gains more than 100×; 3 → 5 less than 10×."""
    from rnncore.examples.exercises_beyond import larger_bias_medians
    m = larger_bias_medians()
    assert m[1] / m[0] > 100 and m[2] / m[1] > 100
    assert 1 < m[3] / m[2] < 10
    assert "it levels off" in examples.get("ex-flow-larger-bias").answer


def test_direct_path_is_not_the_measured_median():
    """ex-flow-direct-path: the direct path alone orders the biases as the medians do, but is not them."""
    direct = PINNED["ex-flow-direct-path"][3:]
    measured = PINNED["ex-flow-larger-bias"][:3]
    assert direct == sorted(direct) and measured == sorted(measured)
    assert all(d != m for d, m in zip(direct, measured))


def test_model_count_matches_the_formulas():
    from rnncore.parameters import model_count, rnn_count
    for D, H, O in ((2, 8, 1), (1, 1, 1), (3, 5, 2)):
        assert model_count("rnn", D, H, O) == rnn_count(D, H, O).total == H * (D + H + 1) + O * H + O
        assert model_count("lstm", D, H, O) == 4 * H * (D + H + 1) + O * H + O
        assert model_count("gru", D, H, O) == 3 * H * (D + H + 1) + H + O * H + O
    with pytest.raises(ValueError, match="unknown model 'cnn'"):
        model_count("cnn", 1, 1, 1)
    with pytest.raises(ValueError, match="hidden size H must be a positive whole number"):
        model_count("lstm", 1, 0, 1)


def test_lazy_model_pays_twice_the_baseline():
    from rnncore import tasks
    import numpy as np
    batch = tasks.remember_first(50, 100_000, np.random.default_rng(1))
    sampled = float(np.mean((batch.answer - batch.x[:, -1, 0]) ** 2))
    assert sampled == pytest.approx(2 / 3, abs=0.01)
    assert float(np.mean(batch.answer ** 2)) == pytest.approx(tasks.BASELINE_MSE["remember_first"], abs=0.01)


# --- the from-scratch notebook -------------------------------------------------------------

NOTEBOOK = DOCS / "notebooks" / "from-scratch.ipynb"


def notebook_cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text("utf-8"))["cells"]


def test_from_scratch_notebook_is_in_the_nav(nav):
    notebooks = next(item["Notebooks"] for item in nav if isinstance(item, dict) and "Notebooks" in item)
    assert "notebooks/from-scratch.ipynb" in nav_pages(notebooks)


def test_from_scratch_notebook_marks_exercises_and_asserts_its_checks():
    cells = notebook_cells()
    sources = ["".join(cell["source"]) for cell in cells]
    marked = [i for i, cell in enumerate(cells) if cell["cell_type"] == "markdown"
              and sources[i].startswith("#") and "(try it yourself first)" in sources[i].splitlines()[0]]
    assert len(marked) >= 5
    for i in marked:
        assert "**Expected output:**" in sources[i], f"cell {i} does not state the expected output"
        assert cells[i + 1]["cell_type"] == "code", f"cell {i} is not followed by its solution"
    code = "\n".join(s for c, s in zip(cells, sources) if c["cell_type"] == "code")
    assert 'assert worst < 1e-7, "backpropagation disagrees with the central differences"' in code
    assert "rnn.bptt(" in code and "clipping.clip_by_norm(" in code
    chain_rule = [s for s in sources if s.startswith("### Step (")]
    assert len(chain_rule) == 5, "one markdown cell per step of the chain rule"
    assert all(not cell.get("outputs") for cell in cells if cell["cell_type"] == "code"), "committed without outputs"


def test_from_scratch_notebook_runs_and_its_checks_pass(capsys):
    """The code cells, run in order as the site build runs them: every assert holds
    (gradient check, rnncore's gradients, a tenfold fall of the loss)."""
    namespace: dict = {}
    for cell in notebook_cells():
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    assert namespace["worst"] < 1e-7 and namespace["difference"] < 1e-10
    assert namespace["history"][-1] < namespace["history"][0] / 10
    assert "True" in capsys.readouterr().out
