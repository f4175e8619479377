"""The header's light/dark toggle (docs/overrides/partials/palette.html and
partials/javascripts/palette.html), which replaces Material's palette component: the same
three options and storage, set before the first paint, and nothing done to the page after it."""
from __future__ import annotations

import pytest

from browser_support import SiteServer

SCHEME = "document.body.getAttribute('data-md-color-scheme')"
SHOWN_TOGGLE = "document.querySelector('[data-guide-palette] label:not([hidden])').title"
STORED = "__md_get('__palette')"
META = "name => [...document.head.querySelectorAll(`meta[name='${name}']`)].map(meta => meta.content)"
HEADER_COLOUR = """() => '#' + getComputedStyle(document.querySelector('[data-md-component=header]')).backgroundColor
    .match(/\\d+/g).slice(0, 3).map(value => (+value).toString(16).padStart(2, '0')).join('')"""
# Everything done to <body> and <head> once the page is parsed (installed before the page loads).
WATCH = """
addEventListener('DOMContentLoaded', () => {
  window.__changes = [];
  const record = mutations => { for (const m of mutations) window.__changes.push(
      m.type === 'attributes' ? `${m.target.tagName} ${m.attributeName}` : `${m.target.tagName} children`); };
  new MutationObserver(record).observe(document.body, { attributes: true });
  new MutationObserver(record).observe(document.head, { childList: true, subtree: true, attributes: true });
});
"""


@pytest.fixture(scope="module")
def origin(built_site):
    with SiteServer(built_site.path) as server:
        yield server.origin


@pytest.fixture
def context_for(browser):
    made = []

    def make(scheme: str):
        made.append(browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800}))
        return made[-1]
    yield make
    for context in made:
        context.close()


def test_the_toggle_cycles_through_system_light_dark_and_is_remembered(context_for, origin):
    page = context_for("light").new_page()
    page.goto(origin + "/statland/")
    # a reader who never chose follows the system, and nothing is stored
    assert page.evaluate(SCHEME) == "default" and page.evaluate(STORED) is None
    assert page.evaluate(SHOWN_TOGGLE) == "Switch to light mode"
    assert page.evaluate(META, "color-scheme") == ["light"]

    page.locator("[data-guide-palette] label:not([hidden])").click()
    assert page.evaluate(SCHEME) == "default" and page.evaluate(SHOWN_TOGGLE) == "Switch to dark mode"
    assert page.evaluate(STORED)["color"]["media"] == "(prefers-color-scheme: light)"

    page.locator("[data-guide-palette] label:not([hidden])").click()
    assert page.evaluate(SCHEME) == "slate" and page.evaluate(SHOWN_TOGGLE) == "Follow the system setting"
    assert page.evaluate(META, "color-scheme") == ["dark"]
    assert page.evaluate(META, "theme-color") == [page.evaluate(HEADER_COLOUR)]
    assert page.evaluate("document.body.hasAttribute('data-md-color-switching')") is False

    page.goto(origin + "/bound/")  # the choice carries over to the next page
    assert page.evaluate(SCHEME) == "slate" and page.evaluate(SHOWN_TOGGLE) == "Follow the system setting"

    page.locator("[data-guide-palette] label:not([hidden])").click()
    assert page.evaluate(SCHEME) == "default" and page.evaluate(SHOWN_TOGGLE) == "Switch to light mode"
    assert page.evaluate(STORED)["color"]["media"] == "(prefers-color-scheme)"


def test_enter_on_the_toggle_moves_to_the_next_option(context_for, origin):
    page = context_for("dark").new_page()
    page.goto(origin + "/statland/")
    assert page.evaluate(SCHEME) == "slate"
    page.locator("[data-guide-palette] input:checked").focus()
    page.keyboard.press("Enter")
    assert page.evaluate(STORED)["index"] == 1 and page.evaluate(SCHEME) == "default"
    assert page.evaluate("document.activeElement.id") == "__palette_1"


def test_following_the_system_follows_its_change(context_for, origin):
    page = context_for("dark").new_page()
    page.goto(origin + "/statland/")
    assert page.evaluate(SCHEME) == "slate"
    page.emulate_media(color_scheme="light")
    page.wait_for_function(f"{SCHEME} === 'default'", timeout=5000)
    assert page.evaluate(META, "color-scheme") == ["light"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_is_done_to_the_page_after_it_is_parsed(context_for, origin, scheme):
    """Material's palette component, mounting after the first paint, set <body>'s scheme
    again, marked and unmarked it as switching and added meta elements: each had the whole
    page restyled. The guide's toggle does all of it before the page is parsed."""
    context = context_for(scheme)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(origin + "/bound/", wait_until="load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__changes") == []
    assert page.locator("[data-md-component=palette]").count() == 0
    assert page.evaluate(SCHEME) == {"light": "default", "dark": "slate"}[scheme]
