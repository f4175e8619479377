"""The site builds with ``mkdocs build --strict`` and without a single warning."""
import re
import sys

from conftest import ROOT, run


def test_strict_build_has_no_warnings(tmp_path):
    site = tmp_path / "site"
    result = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"^(WARNING|ERROR)", output, re.M), output
    statland = (site / "statland" / "index.html").read_text()
    assert statland.count('class="katex"') > 10, "math is rendered at build time"
    assert "\\(" not in statland and "\\[" not in statland, "no raw TeX left on the page"
    assert "{{ v:" not in statland
    assert 'src="../figures/statland-unrolled-three-days-dark.svg#only-dark"' in statland
    assert 'src="../figures/statland-unrolled-three-days-dark-phone.svg#only-dark"' in statland
    assert (site / "assets" / "katex" / "katex-swap.min.css").exists()
    notebook = (site / "notebooks" / "statland" / "index.html").read_text()
    assert "mathjax" not in notebook.lower()
    assert (site / "notebooks" / "statland" / "statland.ipynb").exists()
