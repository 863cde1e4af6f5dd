"""The progress page's cards hold their numbers: no baseline, value or target (F2's budget targets in
euros are the longest) runs out of its card or out of its column, on a desktop (1280 px) and a phone
(390 px), in English, French and Spanish."""

import pytest

from tests.browser.conftest import choose_language

OVERFLOWING = """
() => {
  const out = [];
  for (const card of document.querySelectorAll(".kpi-card")) {
    const box = card.getBoundingClientRect();
    for (const step of card.querySelectorAll(".kpi-step")) {
      const cell = step.getBoundingClientRect();
      for (const part of step.children) {
        const r = part.getBoundingClientRect();
        const wide = part.scrollWidth > part.clientWidth + 1;
        if (r.right > cell.right + 1 || r.right > box.right + 1 || wide) {
          out.push(`${card.dataset.objective}: "${part.textContent}" ${Math.round(r.width)} px in a ${Math.round(cell.width)} px column`);
        }
      }
    }
  }
  return out;
}
"""
# a number broken inside (2,000,0|00) is not a fit either: every number stays on one line
BROKEN_NUMBERS = """
() => [...document.querySelectorAll(".kpi-step .num")]
  .filter((n) => n.getClientRects().length && n.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(n).lineHeight || 20))
  .map((n) => `${n.closest(".kpi-card").dataset.objective}: "${n.textContent}"`)
"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_number_fits_its_card(page, server, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/#/progress")
    choose_language(page, lang)
    page.locator('.kpi-card[data-objective="F2"] .kpi-step').first.wait_for()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(BROKEN_NUMBERS) == []
    f2 = page.locator('.kpi-card[data-objective="F2"]')
    f2.scroll_into_view_if_needed()
    f2.screenshot(path=str(_shot_path(f"progress-f2-{lang}-{width}px")))


def _shot_path(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
