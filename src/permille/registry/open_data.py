"""The open data of the Initiative's indicators: every indicator's values and history as one JSON document
and as CSV rows (one per indicator and year), built from :func:`permille.registry.kpis.compute`. The schema
is documented in docs/kpis.md ("Open data"); ``SCHEMA`` names its version."""

SCHEMA = "permille-kpis-open-data/1"
CSV_COLUMNS = (
    "objective", "goal", "indicator", "unit", "year", "value", "is_current", "value_kind", "records",
    "status_2030", "status_2050", "target_2030_min", "target_2050_min", "baseline_min", "baseline_year",
    "rule", "as_of",
)  # fmt: skip


def _low(spec: dict | None) -> float | None:
    return None if not spec else spec.get("value", spec.get("min"))


def document(report: dict) -> dict:
    """``{"schema", "as_of", "status_rule", "counting_state", "indicators": [...]}``: each indicator with its
    objective, unit, counting rule, baseline, targets, current value and where it comes from, status and
    history (year → value). Demo values are labelled and never the current value."""
    indicators = []
    for objective in report["objectives"]:
        for i in objective["indicators"]:
            indicators.append(
                {
                    "objective": objective["id"],
                    "goal": objective["goal"],
                    "indicator": i["name"],
                    "unit": i["unit"],
                    "rule": i["rule"],
                    "baseline": i["baseline"],
                    "target_2030": i["target_2030"],
                    "target_2050": i["target_2050"],
                    "current": i["current"],
                    "current_source": i["current_source"],
                    "status": i["status"],
                    "trend": i["trend"],
                    "history": i["history"],
                }
            )
    return {
        "schema": SCHEMA,
        "as_of": report["as_of"],
        "status_rule": report["status_rule"],
        "counting_state": report["counting_state"],
        "indicators": indicators,
    }


def rows(report: dict) -> list[dict]:
    """One row per indicator and year of its history (an indicator without history: one row, no year)."""
    out = []
    for objective in report["objectives"]:
        for i in objective["indicators"]:
            current_year = int(report["as_of"][:4])
            history = i["history"] or [{"year": None, "value": None}]
            for point in history:
                out.append(
                    {
                        "objective": objective["id"],
                        "goal": objective["goal"],
                        "indicator": i["name"],
                        "unit": i["unit"],
                        "year": point["year"],
                        "value": point["value"],
                        "is_current": point["year"] == current_year,
                        "value_kind": i["current_source"]["kind"],
                        "records": i["current_source"].get("records", i["current_source"].get("values")),
                        "status_2030": i["status"]["2030"],
                        "status_2050": i["status"]["2050"],
                        "target_2030_min": _low(i["target_2030"]),
                        "target_2050_min": _low(i["target_2050"]),
                        "baseline_min": _low(i["baseline"]),
                        "baseline_year": (i["baseline"] or {}).get("year"),
                        "rule": i["rule"]["text"]["en"],
                        "as_of": report["as_of"],
                    }
                )
    return out
