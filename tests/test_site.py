"""The site builds with ``mkdocs build --strict`` and without a single warning."""
import re


def test_strict_build_has_no_warnings(built_site):
    # the session's build (conftest.built_site): build_site raised if it failed
    site, output = built_site.path, built_site.log
    assert "Documentation built" in output, output
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
