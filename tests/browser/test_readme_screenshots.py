"""The README's screenshots: the monitoring page on the real default atlas and the progress page, as a
newcomer's first screen (1280 × 800). Written to test-artifacts/screenshots/, and to docs/img/ with
PERMILLE_DOCS_IMG=1 (then committed)."""

import os

from tests.browser.conftest import REPO, SCREENSHOTS

DOCS_IMG = REPO / "docs" / "img"


def shot(page, name: str) -> None:
    for folder in [SCREENSHOTS] + ([DOCS_IMG] if os.environ.get("PERMILLE_DOCS_IMG") == "1" else []):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))


def test_first_screens_of_monitoring_and_progress(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/#/monitoring")
    page.wait_for_selector('main .page[data-page="monitoring"][data-state="ready"]', timeout=120_000)
    page.wait_for_selector(".leaflet-interactive")  # the countries are drawn
    assert "SYNTHETIC" not in page.inner_text("main")  # the real default atlas
    shot(page, "readme-monitoring")
    page.goto(f"{server.url}/#/progress")
    page.wait_for_selector('.kpi-card[data-objective="A1"] .kpi-step')
    shot(page, "readme-progress")
