"""The header row of a CSV download in a reader's language: each column's machine name (``soc_t_c_ha``,
the code programs read) as a label with its unit ("Mean (t C/ha)"), from the one catalogue
(:mod:`permille.i18n`). A column without a label keeps its name.

The API writes machine names; ``?header=labels`` asks for the labels in the request's language
(:class:`permille.api.csv_header.CsvHeaderLabels`), as the pages' download buttons do."""

import csv
import io
import re

from .. import i18n

LABELS = {
    # records (every kind's export)
    "id": "Id", "created_at": "Created (UTC)", "updated_at": "Updated (UTC)", "version": "Version",
    "organisation_id": "Organisation id", "published": "Published", "lon": "Longitude (°)", "lat": "Latitude (°)",
    "name": "Name", "country_iso3": "Country (ISO3)", "land_use": "Land use", "description": "Description",
    "area_ha": "Area (ha)", "practices": "Practices", "stage": "Stage", "start_year": "Start year",
    "balance_input": "Balance input", "expected_impact": "Expected impact", "membership": "Membership",
    "org_type": "Organisation type", "region": "Region", "website": "Website", "site_id": "Site id",
    "upper_cm": "Upper depth (cm)", "lower_cm": "Lower depth (cm)", "property": "Property", "value": "Value",
    "unit": "Unit", "uncertainty": "Uncertainty (SD, in the unit)", "date": "Date", "method": "Method",
    "proposed": "Proposed change", "email": "E-mail", "affiliation": "Affiliation", "audience": "Audience",
    "language": "Language", "notes": "Notes", "category": "Category", "climate_zone": "Climate zone",
    "soil": "Soil", "evidence": "Evidence", "evidence_level": "Evidence level",
    "effect_t_c_ha_yr": "Effect (t C/ha/yr)", "effect_uncertainty_t_c_ha_yr": "Effect uncertainty (SD, t C/ha/yr)",
    "depth_cm": "Depth (cm)", "references": "References", "languages": "Languages",
    # monitoring: zones, countries, sites
    "zone": "Zone", "layer": "Layer", "scenario": "Scenario", "year": "Year", "mean": "Mean",
    "sd_mean": "SD of the mean", "mean_low": "Mean, 95 % low", "mean_high": "Mean, 95 % high",
    "mean_units": "Unit of the mean", "total": "Total", "sd_total": "SD of the total",
    "total_low": "Total, 95 % low", "total_high": "Total, 95 % high", "total_units": "Unit of the total",
    "zone_area_ha": "Zone area (ha)", "covered_fraction": "Share covered (0–1)",
    "n_observations": "Observations", "latest_stock_t_c_ha": "Latest stock (t C/ha)", "n_sites": "Sites",
    "mean_t_c_ha": "Mean (t C/ha)", "low_t_c_ha": "95 % low (t C/ha)", "high_t_c_ha": "95 % high (t C/ha)",
    "land_fraction": "Share of the land (0–1)", "soil_class": "Soil class", "socref_t_c_ha": "SOCref (t C/ha)",
    "uncertainty_pct_95": "Uncertainty (± %, 95 %)", "source": "Source",
    # KPIs
    "objective": "Objective", "goal": "Goal", "indicator": "Indicator", "baseline": "Baseline",
    "baseline_min": "Baseline, low", "baseline_max": "Baseline, high", "baseline_year": "Baseline year",
    "current": "Current value", "current_from": "Current value from", "target_2030": "Target 2030",
    "target_2030_min": "Target 2030, low", "target_2030_max": "Target 2030, high", "status_2030": "Status 2030",
    "target_2050": "Target 2050", "target_2050_min": "Target 2050, low", "target_2050_max": "Target 2050, high",
    "status_2050": "Status 2050", "trend": "Trend", "as_of": "As of", "is_current": "Current",
    "value_kind": "Kind of value", "records": "Records", "rule": "Counting rule",
    # toolkit tables
    "model": "Model", "stratum": "Stratum", "profile": "Profile", "group": "Group",
    "soc_t_c_ha": "SOC stock (t C/ha)", "period": "Period", "se_t_c_ha": "Standard error (t C/ha)",
    "df": "Degrees of freedom", "quantile": "Quantile", "conservative_t_c_ha": "Conservative change (t C/ha)",
    "gross_t_co2e": "Gross (t CO2e)", "uncertainty_deduction_t_co2e": "Uncertainty deduction (t CO2e)",
    "after_uncertainty_t_co2e": "After the uncertainty deduction (t CO2e)", "leakage_t_co2e": "Leakage (t CO2e)",
    "after_leakage_t_co2e": "After leakage (t CO2e)", "buffer_t_co2e": "Buffer (t CO2e)",
    "issuable_t_co2e": "Issuable (t CO2e)", "sd_t_c_ha": "SD (t C/ha)", "neyman_exact": "Neyman allocation (exact)",
    "neyman": "Neyman allocation", "proportional": "Proportional allocation", "n_total": "Samples in all",
    "mdd_at_n_t_c_ha": "Minimum detectable difference (t C/ha)",
    "four_per_mille_target_central_t_c_ha": "«4 per 1000» target, central (t C/ha)",
}  # fmt: skip
"""Column name → its label with its unit (catalogue messages, English ids)."""
QUANTITIES = {
    "stock_t_c_ha": "Stock (t C/ha)", "change_t_c_ha_yr": "Change (t C/ha/yr)",
    "change_t_co2e_ha_yr": "Change (t CO2e/ha/yr)", "total_t_co2e_yr": "Total (t CO2e/yr)",
}  # fmt: skip
SERIES = {"baseline": "Baseline", "scenario": "Scenario", "difference": "Difference"}
STATISTICS = {"mean": "mean", "sd": "SD", "low95": "95 % low", "high95": "95 % high", "central": "central"}
"""The parts of the toolkit's statistic columns: ``<quantity>_<statistic>`` (balance) and
``<series>_<statistic>_t_c_ha`` (RothC)."""
COMPOSED = (
    (re.compile(rf"({'|'.join(QUANTITIES)})_({'|'.join(STATISTICS)})"), QUANTITIES, "{part}, {statistic}"),
    (
        re.compile(rf"({'|'.join(SERIES)})_({'|'.join(STATISTICS)})_t_c_ha"),
        SERIES,
        "{part}, {statistic} (t C/ha)",
    ),
)
"""The composed columns: pattern (part, statistic), the part's labels and the label's template."""


def label(column: str, lang: str) -> str:
    """The label of ``column`` in ``lang``, or the column's name when it has none."""
    if column in LABELS:
        return i18n.gettext(lang, LABELS[column])
    for pattern, parts, template in COMPOSED:
        if m := pattern.fullmatch(column):
            part, statistic = (i18n.gettext(lang, name) for name in (parts[m[1]], STATISTICS[m[2]]))
            return i18n.gettext(lang, template, part=part, statistic=statistic)
    return column


def labelled(header: str, lang: str) -> str:
    """A CSV header line (machine names, with its line end) with each name replaced by its label."""
    names = next(csv.reader([header]))
    out = io.StringIO()
    csv.writer(out, lineterminator=header[len(header.rstrip("\r\n")) :] or "\r\n").writerow(
        label(name, lang) for name in names
    )
    return out.getvalue()
