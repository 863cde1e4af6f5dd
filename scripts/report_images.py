"""Render the example balance report and a credits report as PDF in English, French and Spanish, and their
pages as PNG images for the documentation (docs/img/report-*.png). Run: uv run python scripts/report_images.py"""

from pathlib import Path

import pandas as pd
import pypdfium2

from permille.io import balance_report, report_render, verification_report
from permille.io.project_file import read_project
from permille.measure import remeasurement, schemes
from permille.models import balance

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img"


def pages(pdf: bytes, name: str) -> None:
    document = pypdfium2.PdfDocument(pdf)
    for i, page in enumerate(document):
        page.render(scale=1.2).to_pil().save(OUT / f"{name}-page{i + 1}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    result = balance.simulate(
        read_project(REPO / "examples" / "project.yaml").to_model(), draws=2000, seed=42
    )
    profile = schemes.profile("vm0042")
    changes = remeasurement.credit(pd.read_csv(REPO / "examples" / "remeasurement.csv"), profile)
    project = [c for c in changes.lines if c.stratum == remeasurement.PROJECT]
    report = verification_report.VerificationReport(
        "remeasurement.csv", profile, None, changes.estimates, project, {},
        notes=changes.notes, stratum_credits=[c for c in changes.lines if c.stratum != remeasurement.PROJECT],
    )  # fmt: skip
    for lang in ("en", "fr", "es"):
        pages(report_render.pdf(balance_report.report_html(result, lang, seed=42)), f"report-balance-{lang}")
        pages(verification_report.pdf(report, lang), f"report-credits-{lang}")


if __name__ == "__main__":
    main()
