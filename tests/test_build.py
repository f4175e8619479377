"""figures/build.py: fresh on the committed tree, stale after a parameter edit."""
import json

from conftest import ROOT, run


def test_committed_outputs_are_fresh(python):
    result = run([python, "figures/build.py", "--check"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_parameter_edit_makes_outputs_stale_and_a_build_repairs_them(python, repo_copy):
    params = repo_copy / "figures" / "params.toml"
    params.write_text(params.read_text().replace("w2 = -0.5", "w2 = -0.25"))
    stale = run([python, "figures/build.py", "--check"], cwd=repo_copy)
    assert stale.returncode == 1
    assert "statland-table" in stale.stderr and "statland-unrolled-three-days" in stale.stderr
    built = run([python, "figures/build.py", "--jobs", "1"], cwd=repo_copy)
    assert built.returncode == 0, built.stderr
    table = (repo_copy / "docs" / "snippets" / "statland-table.md").read_text()
    assert "−0.25" not in table  # the table shows values, not weights
    assert "| High, Medium | **0.495** | Low | 1.8 → 1.8 | 0.45 → 0.45 | — |" in table
    assert run([python, "figures/build.py", "--check"], cwd=repo_copy).returncode == 0


def test_forced_rebuild_reproduces_committed_bytes(forced_figure_build):
    # figures/build.py --force --jobs 2 in a copy, run by the session's second lane (conftest)
    repo_copy, built = forced_figure_build.root, forced_figure_build.result
    assert built.returncode == 0, built.stderr
    every = len(json.loads((ROOT / "figures" / "fingerprints.json").read_text("utf-8")))
    assert f"building {every} of {every} outputs with 2 processes" in built.stderr, built.stderr
    for folder in ("docs/figures", "docs/snippets"):
        for original in sorted((ROOT / folder).rglob("*")):
            if original.is_file():
                copy = repo_copy / original.relative_to(ROOT)
                assert copy.read_bytes() == original.read_bytes(), f"{original.relative_to(ROOT)} changed"
