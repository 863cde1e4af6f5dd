"""One engine for the HTML and PDF reports: a Jinja2 template (``io/templates``) renders the HTML in the
reader's language (:mod:`permille.i18n`), WeasyPrint turns the same HTML into an A4 PDF with page numbers,
and charts are matplotlib SVG embedded in it. Also: the version of every coefficient table a report
uses (file, table version, SHA-256), so that a reader can tell which numbers produced it."""

import base64
import datetime
import hashlib
import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from jinja2 import Environment, PackageLoader, select_autoescape  # noqa: E402

from .. import __version__, i18n  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


def environment(lang: str) -> Environment:
    """A Jinja2 environment whose ``_``/``ngettext`` speak ``lang`` and whose ``num`` filter writes numbers
    its way."""
    env = Environment(
        loader=PackageLoader("permille.io", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=False)
    env.filters["num"] = lambda value, digits=2: i18n.number(value, digits, lang)
    return env


def render(template: str, lang: str, **context) -> str:
    """The report ``template`` as HTML in ``lang``, with the title block every report carries: date,
    software version and language."""
    lang = i18n.language(lang)
    today = datetime.date.today()
    return (
        environment(lang)
        .get_template(template)
        .render(lang=lang, date=i18n.date(today, lang), software=f"permille {__version__}", **context)
    )


def pdf(html: str) -> bytes:
    """The HTML as an A4 PDF (page size and numbers come from the template's ``@page`` rules)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()


def svg(fig) -> str:
    """A matplotlib figure as an ``<img>`` source (SVG, embedded), the figure closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _table_version(path: Path) -> str:
    """The "Tables version: …" line of the folder's PROVENANCE.md, if any."""
    provenance = path.parent / "PROVENANCE.md"
    if provenance.exists():
        for line in provenance.read_text(encoding="utf-8").splitlines():
            if line.startswith("Tables version:"):
                return line.split(":", 1)[1].strip().rstrip(".")
    return ""


@cache
def table_versions(*relative: str) -> list[dict]:
    """For each coefficient table (path under ``permille/data``): its file, version and SHA-256 (12 hex)."""
    rows = []
    for name in relative:
        path = DATA / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        rows.append({"file": name, "version": _table_version(path), "sha256": digest})
    return rows
