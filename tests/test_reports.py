"""The balance and verification reports: one template rendered as HTML and as an A4 PDF, read back as text
(pypdf) — sections, numbers as the estimates give them, page numbers, no raw floats or column names — and
in French and Spanish without an English sentence of the catalogue."""

import io
import re

import pypdf
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from permille import i18n
from permille.io import balance_report, report_render, verification_report
from permille.io.project_file import read_project
from permille.measure import credits, schemes
from permille.models import balance
from permille.models.ipcc.categories import (
    CarbonInput,
    ClimateZone,
    GrasslandManagement,
    LandUse,
    SoilClass,
    Tillage,
)
from permille.models.ipcc.tier1 import DrainedLandUse
from tests.conftest import REPO

A4 = (595.28, 841.89)  # points
IO = REPO / "src" / "permille" / "io"
RAW_FLOAT = re.compile(r"\d\.\d{6,}")
RAW_COLUMNS = ("balance_t_co2e_ha_yr", "mean_t_c_ha", "gross_t_co2e", "issuable_t_co2e", "poe ")


def pdf_pages(content: bytes) -> list[pypdf.PageObject]:
    return pypdf.PdfReader(io.BytesIO(content)).pages


def text_of(content: bytes) -> str:
    """The PDF's text with every run of white space as one space."""
    return " ".join(" ".join(p.extract_text() for p in pdf_pages(content)).split())


def flat(html: str, quoted: bool = True) -> str:
    """The HTML's text, tags removed and white space folded; without ``quoted``, less the elements marked
    ``lang="en"`` (a scheme profile's own English text, quoted as data)."""
    html = re.sub(r"<style.*?</style>|src=\"[^\"]*\"", " ", html, flags=re.S)
    if not quoted:
        html = re.sub(r'<(ul|li|td) lang="en">.*?</\1>', " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def project_result():
    spec = read_project(REPO / "examples" / "project.yaml")
    return balance.simulate(spec.to_model(), draws=200, seed=42)


def credit_report(mean_t_c_ha: float) -> verification_report.VerificationReport:
    profile = schemes.profile("vm0042")
    estimate = credits.ChangeEstimate("field", "2021–2026", 40.0, mean_t_c_ha, 0.2, 8.0)
    lines = credits.credit_chain([estimate], profile)
    import pandas as pd

    changes = pd.DataFrame(
        {"label": ["2021–2026: field"], "mean_t_c_ha": [mean_t_c_ha], "se_t_c_ha": [0.2], "df": [8.0],
         "low_t_c_ha": [mean_t_c_ha - 0.37], "high_t_c_ha": [mean_t_c_ha + 0.37]}
    )  # fmt: skip
    return verification_report.VerificationReport(
        "Credit estimate (permille toolkit)", profile, None, changes, lines, {}, confidence=0.9
    )


def english_sentences(lang: str) -> set[str]:
    """Every catalogue message of three words or more whose translation into ``lang`` differs from it."""
    sentences = set()
    with i18n.catalogue_path(lang).open("rb") as f:
        for m in read_po(f):
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            for msgid in ids:
                if len(msgid.split()) >= 3 and msgid not in strings and "%(" not in msgid:
                    sentences.add(" ".join(msgid.split()))
    return sentences


def test_balance_report_pdf_has_every_section_and_the_estimates(project_result):
    content = report_render.pdf(balance_report.report_html(project_result, "en", seed=42))
    pages = pdf_pages(content)
    assert len(pages) >= 3
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    text = text_of(content)
    for section in ("Summary", "Inputs", "Method", "Versions of the coefficient tables", "Results",
                    "Stocks by year", "Caveats", "Sources"):  # fmt: skip
        assert section in text, section
    assert f"Page 1 / {len(pages)}" in text and f"Page {len(pages)} / {len(pages)}" in text
    assert "permille 0.1.0" in text and "200 draws, seed 42" in text and "IPCC 2019" in text
    summary = project_result.summary()
    for model in balance.MODELS:  # the summary line of each model, as the estimate gives it
        e = summary[model]["balance_t_co2e_ha_yr"]
        assert f"{model}: {e.mean:.2f} [{e.low:.2f} to {e.high:.2f}]" in text
    for area in ("plateau fields", "valley field to grassland", "drained peat meadow, rewetted"):
        assert area in text  # every area of examples/project.yaml, the peat meadow included
    for table in balance_report.TABLES:
        assert table in text
    assert "Coleman K., Jenkinson D.S. (1996)" in text
    assert not RAW_FLOAT.search(text) and not any(c in text for c in RAW_COLUMNS)


def test_models_that_disagree_are_named_with_their_numbers(project_result):
    summary = project_result.summary()
    pairs = balance_report.disagreements(summary)
    text = flat(balance_report.report_html(project_result, "en"))
    for a, b in pairs:
        ea, eb = summary[a]["balance_t_co2e_ha_yr"], summary[b]["balance_t_co2e_ha_yr"]
        assert ea.high < eb.low or eb.high < ea.low
        assert f"{a} and {b} disagree beyond their 95 % intervals: {ea.mean:.2f}" in text
    if not pairs:
        assert "The three models agree within their 95 % intervals." in text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_reports_in_french_and_spanish_have_no_english_sentence(project_result, lang):
    sentences = english_sentences(lang)
    assert len(sentences) > 80
    texts = [
        flat(balance_report.report_html(project_result, lang), quoted=False),
        flat(verification_report.report_html(credit_report(0.9), lang), quoted=False),
        flat(verification_report.report_html(credit_report(-0.5), lang), quoted=False),
    ]
    for text in texts:
        assert "%(" not in text
        left = [s for s in sentences if s in text]
        assert not left, left
    separator = "," if lang in ("fr", "es") else "."
    e = project_result.summary()["RothC"]["balance_t_co2e_ha_yr"]
    assert f"{e.mean:.2f}".replace(".", separator) in texts[0]


def test_french_pdf_reads_in_french(project_result):
    text = text_of(report_render.pdf(balance_report.report_html(project_result, "fr")))
    assert "Bilan de carbone du sol d'un projet" in text and "Page 1 /" in text
    assert "200 tirages" in text and "3 surfaces" in text and "tempéré chaud humide" in text
    assert "Summary" not in text and "Caveats" not in text


def test_credits_on_a_loss_say_no_credits_and_draw_no_waterfall():
    gain, loss = credit_report(0.9), credit_report(-0.5)
    text = text_of(verification_report.pdf(loss, "es"))
    assert "Sin créditos: el stock disminuyó." in text
    assert "De la absorción bruta" not in text  # no waterfall caption
    html = verification_report.report_html(gain, "en")
    assert "From the gross removal to the issuable credits" in html and "No credits" not in html
    total = gain.totals()
    assert f"{total['issuable_t_co2e']:,.1f} t CO2e" in flat(html)


def test_plural_rules_come_from_the_catalogue():
    for lang, one, many in (
        ("en", "1 area", "3 areas"),
        ("fr", "1 surface", "3 surfaces"),
        ("es", "1 superficie", "3 superficies"),
    ):
        t = i18n.translations(lang)
        assert t.ngettext("%(num)d area", "%(num)d areas", 1) % {"num": 1} == one
        assert t.ngettext("%(num)d area", "%(num)d areas", 3) % {"num": 3} == many
    assert (
        i18n.translations("fr").ngettext("%(num)d year", "%(num)d years", 0) % {"num": 0} == "0 an"
    )  # French: 0 is singular


def test_every_message_of_the_reports_is_translated():
    ids = set()
    for path in (IO / "balance_report.py", IO / "verification_report.py"):
        ids |= {m[1] for m in extract_from_file("python", path, keywords={"_": None, "ngettext": (1, 2)})}
    for path in (IO / "templates").glob("*.html"):
        found = extract_from_file("jinja2.ext:babel_extract", path, keywords={"_": None, "ngettext": (1, 2)},
                                  options={"extensions": "jinja2.ext.i18n"})  # fmt: skip
        ids |= {m[1] for m in found}
    ids |= {label for _key, label, _digits in verification_report.CHAIN}
    for enum in (ClimateZone, SoilClass, LandUse, Tillage, GrasslandManagement, CarbonInput, DrainedLandUse):
        ids |= {e.value for e in enum}
    ids |= set(balance.MODELS)
    assert len(ids) > 150
    for lang in ("fr", "es"):
        with i18n.catalogue_path(lang).open("rb") as f:
            catalogue = {m.id: m.string for m in read_po(f) if m.id}
        missing = [i for i in ids if not (catalogue.get(i) and all(catalogue[i]))]
        assert not missing, (lang, missing)
