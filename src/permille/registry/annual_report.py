"""The annual progress report, generated from the dashboard (:func:`permille.registry.kpis.compute`): per
goal and objective each indicator's value, a history chart (SVG), status against 2030 and 2050, counting
rule, sources and caveats; HTML (Jinja2, ``data/report/progress.html.j2``) and PDF (WeasyPrint), in English,
French or Spanish (``data/report/progress-i18n.yaml``)."""

from functools import cache
from importlib.resources import files
from xml.sax.saxutils import escape

import jinja2
import yaml

from .. import i18n

REPORT = files("permille") / "data" / "report"
LANGUAGES = ("en", "fr", "es")
CHART_W, CHART_H, PAD = 420, 110, 34
"""History chart size and left padding (CSS px; the PDF prints 96 px per inch)."""


@cache
def words() -> dict:
    """Language → the report's words."""
    return yaml.safe_load((REPORT / "progress-i18n.yaml").read_text(encoding="utf-8"))


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string((REPORT / "progress.html.j2").read_text(encoding="utf-8"))


def number(value: float | None, lang: str, unit: str = "") -> str:
    """``value`` with thousands separators of ``lang`` (at most 1 decimal; percent 1 decimal)."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value - round(value)) < 0.05 or abs(value) >= 1000 else f"{value:,.1f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    elif lang == "es":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _range_text(spec: dict | None, lang: str) -> str:
    if not spec:
        return "—"
    if "value" in spec:
        return number(spec["value"], lang)
    return f"{number(spec['min'], lang)}–{number(spec['max'], lang)}"


def chart(indicator: dict, lang: str) -> str:
    """An SVG line chart of the indicator's history (year → value, filled dots) from the plan's baseline
    (hollow dot) with its 2030 target (else 2050) as a dashed line and the axes labelled (years, values in
    the indicator's unit); empty without any value."""
    points = [(p["year"], p["value"]) for p in indicator["history"] if p["value"] is not None]
    if not points:
        return ""
    baseline = indicator["baseline"]
    start = None if not baseline else (baseline["year"], baseline.get("value", baseline.get("min")))
    target = indicator["target_2030"] or indicator["target_2050"]
    target_low = None if not target else target.get("value", target.get("min"))
    years = [y for y, _ in points] + ([start[0]] if start else [])
    values = [v for _, v in points] + ([start[1]] if start else [])
    top = max(values + ([target_low] if target_low is not None else [])) or 1.0
    x0, x1 = min(years), max(years)

    def x(year: float) -> float:
        return PAD + (CHART_W - PAD - 8) * ((year - x0) / (x1 - x0) if x1 > x0 else 0.5)

    def y(value: float) -> float:
        return CHART_H - 16 - (CHART_H - 26) * value / top

    line = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{CHART_H}" '
        f'viewBox="0 0 {CHART_W} {CHART_H}" role="img" aria-label="{escape(indicator["name"])}">',
        f'<line x1="{PAD}" y1="{y(0):.1f}" x2="{CHART_W - 8}" y2="{y(0):.1f}" stroke="#888"/>',
        f'<line x1="{PAD}" y1="6" x2="{PAD}" y2="{y(0):.1f}" stroke="#888"/>',
        f'<text x="{PAD - 3}" y="{y(top) + 3:.1f}" font-size="8" text-anchor="end">{number(top, lang)}</text>',
        f'<text x="{PAD - 3}" y="{y(0) + 3:.1f}" font-size="8" text-anchor="end">0</text>',
        f'<text x="{x(x1):.1f}" y="{CHART_H - 4}" font-size="8" text-anchor="end">{x1}</text>',
    ]
    if x1 > x0:
        parts.append(f'<text x="{x(x0):.1f}" y="{CHART_H - 4}" font-size="8" text-anchor="start">{x0}</text>')
    if target_low is not None:
        parts.append(
            f'<line x1="{PAD}" y1="{y(target_low):.1f}" x2="{CHART_W - 8}" y2="{y(target_low):.1f}" '
            'stroke="#a33" stroke-dasharray="4 3"/>'
        )
    if start:
        parts.append(
            f'<circle cx="{x(start[0]):.1f}" cy="{y(start[1]):.1f}" r="3" fill="none" stroke="#3b5b2a"/>'
        )
    parts.append(f'<polyline points="{line}" fill="none" stroke="#3b5b2a" stroke-width="2"/>')
    parts += [f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="2.5" fill="#3b5b2a"/>' for a, b in points]
    parts.append("</svg>")
    return "".join(parts)


def _sources(indicator: dict, t: dict, lang: str) -> tuple[str, list[str]]:
    """The sources sentence and the caveats of an indicator."""
    source = indicator["current_source"]
    rule = indicator["rule"]
    caveats = []
    if source["kind"] == "manual":
        if "source" in source:
            approval = (
                t["self_approved"]
                if source.get("self_approved")
                else f"{t['approved_by']} {source['approved_by']}"
            )
            text = f"{t['manual_value']}: {source['source']} ({source['date']}; {approval})"
        else:
            text = f"{t['manual_value']}: {t['no_value']}"
        if "unapproved" in source:
            caveats.append(f"{t['unapproved']} ({number(source['unapproved']['value'], lang)}).")
    else:
        text = f"{source['records']} {t['records_counted']} ({rule.get('kind') or '—'})"
        if rule.get("kind") in ("contacts", "helpdesk-questions", "budget-lines"):
            text += f"; {t['restricted']}"
        if source.get("rates"):
            used = ", ".join(f"{k}: {v['per_eur']} ({v['rate_year']})" for k, v in source["rates"].items())
            text += f"; {t['rates']}: {used} — {source['rates_source']}"
        if source.get("left_out_currencies"):
            caveats.append(f"{t['left_out']}: {source['left_out_currencies']}.")
        if source.get("anonymous_runs"):
            caveats.append(f"{source['anonymous_runs']} {t['anonymous_runs']}.")
    if rule.get("baseline_source"):
        text += f". {t['baseline']}: {rule['baseline_source'][lang]}"
    if source.get("demo", {}).get("value") is not None:
        caveats.append(f"{t['demo_value']}: {number(source['demo']['value'], lang)}.")
    if (
        indicator["status"]["2030"] == "no data since the baseline"
        or indicator["status"]["2050"] == "no data since the baseline"
    ):
        caveats.append(t["no_data_caveat"])
    return text, caveats


PLAN_FIELDS = ("baseline_2020", "target_2030", "target_2050")
"""An objective's baseline and targets in the plan's words (catalogue keys ``plan.<id>.<field>``)."""


def context(report: dict, lang: str) -> dict:
    """The template's values: the report with each indicator's texts and chart in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGUAGES)}")
    t = words()[lang]
    objectives = []
    for o in report["objectives"]:
        indicators = []
        for i in o["indicators"]:
            sources, caveats = _sources(i, t, lang)
            indicators.append(
                {
                    **i,
                    "current_text": number(i["current"], lang) if i["current"] is not None else t["no_value"],
                    "baseline_text": _range_text(i["baseline"], lang)
                    + (f" ({i['baseline']['year']})" if i["baseline"] else ""),
                    "target_2030_text": _range_text(i["target_2030"], lang),
                    "target_2050_text": _range_text(i["target_2050"], lang),
                    "chart": chart(i, lang),
                    "sources_text": sources,
                    "caveats": caveats,
                }
            )
        title = i18n.pgettext(lang, f"obj.{o['id']}", o["title"])  # the plan's title in the language
        plan = {f: i18n.pgettext(lang, f"plan.{o['id']}.{f}", o[f]) for f in PLAN_FIELDS}  # the plan's words
        objectives.append({**o, "title": title, **plan, "indicators": indicators})
    return {
        "lang": lang,
        "t": t,
        "as_of": report["as_of"],
        "year": report["as_of"][:4],
        "goals": report["goals"],
        "objectives": objectives,
    }


def html(report: dict, lang: str = "en") -> str:
    """The report as an HTML page."""
    return _template().render(**context(report, lang))


def pdf(report: dict, lang: str = "en") -> bytes:
    """The report as a PDF (WeasyPrint; A4, page numbers)."""
    import weasyprint  # ≈ 1 s to import: loaded on the first report only

    return weasyprint.HTML(string=html(report, lang)).write_pdf()
