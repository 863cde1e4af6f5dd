"""The Rothamsted long-term experiments: real monitoring sites, their measured SOC and their RothC runs.

Package data ``permille/data/rothamsted/`` (provenance in its PROVENANCE.md): the e-RA SOC series of
Hoosfield (1852–1998), Broadbalk (1843–2015) and the Highfield/Fosters ley–arable experiments
(1948–2008), t C/ha over 0–23 cm; the Rothamsted 30-year monthly weather means; and
``experiments.yaml``, the management of every treatment with its sources.

:func:`seed` stores, through the service (validated, audited as ``system``, idempotent by name), the
"Rothamsted Research (e-RA)" organisation, one published site per treatment and its measurements as
``soc_stock`` observations (Mg C/ha, 0–23 cm, dated 1 October of the sampling year, the only date the
records give) plus its clay content. These are real records, seeded with the catalogues, never demo data.

:func:`long_term` answers a site's measured vs modelled SOC: RothC-26.3 from the pre-experiment
equilibrium at the field's stock when the experiment began, through the treatment's management (calendars,
manure months, fallows) on the weather means, the plant input calibrated on the site's measurements
(:mod:`permille.models.long_term`), a 95 % Monte Carlo band, leave-one-out validation statistics
(:func:`permille.measure.validation.validate`), every set-up choice with its source (:func:`setup`) and,
where the calibrated input is implausible, why the model does not fit — its sentences in the reader's
language (the catalogue, :mod:`permille.i18n`; the data file's texts translated where the catalogue has
them, its citations as they are). The RothC responses are computed once
per process and treatment (:func:`response`; a server has them computed in another process after
start-up), never at import.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import i18n
from . import orm, service

DATA = files("permille") / "data" / "rothamsted"
PROPERTY, UNIT = "soc_stock", "Mg/ha"
SAMPLING_MONTH_DAY = (10, 1)
"""Observations carry the sampling year only: dated 1 October (after harvest) by convention."""
MODEL_SOURCE = "Model: {model}"
MODEL_REFERENCE = (
    "RothC-26.3 (Coleman & Jenkinson 1996, doi:10.1007/978-3-642-61094-3_17), permille.models.rothc"
)
INTERVAL = (
    "2.5–97.5 percentiles of the Monte Carlo members (clay over its range, IOM ± 25 %, FYM carbon ± 20 %, "
    "starting stock ± 5 %, 1961–1990 or 1971–2000 weather), each calibrated"
)
"""What a long-term run's band is (a catalogue message; the sections' fallow years are recorded, not drawn)."""


@dataclass(frozen=True)
class Treatment:
    """One treatment of an experiment, a site: ``name`` (the site's name), its ``experiment`` and
    ``treatment`` entries of experiments.yaml, and its measured ``series`` [(year, t C/ha)], oldest first."""

    name: str
    experiment: dict
    treatment: dict
    series: tuple[tuple[int, float], ...]

    def get(self, field: str, default=None):
        """A field of the treatment entry, else of its experiment."""
        return self.treatment.get(field, self.experiment.get(field, default))

    @property
    def start_year(self) -> int:
        """The first year of the run (January): the first period's."""
        return self.treatment["periods"][0]["from"]

    @property
    def start(self) -> dict:
        """The starting stock, the model's SOC on 31 Dec before ``start_year``: ``year`` (of the
        measurement or estimate), ``soc_t_c_ha``, ``source`` and ``own`` (whether it is one of this
        treatment's measurements, then not used for validation). The experiment's ``start`` (the field's
        stock when it began), a later own measurement where the treatment says so, else its first one."""
        series = dict(self.series)
        own_year = self.treatment.get("start_from_own_measurement")
        if own_year is not None:
            return {"year": own_year, "soc_t_c_ha": series[own_year], "own": True,
                    "source": i18n.Text("the plot's own {year} measurement (e-RA), before its treatment began",
                                        year=own_year)}  # fmt: skip
        start = self.experiment.get("start")
        if start is not None:
            return dict(start, own=series.get(start["year"]) == start["soc_t_c_ha"])
        year, soc = self.series[0]
        return {
            "year": year,
            "soc_t_c_ha": soc,
            "own": True,
            "source": i18n.Text("the treatment's first measurement (e-RA), {year}", year=year),
        }


@cache
def config() -> dict:
    """experiments.yaml, parsed once."""
    return yaml.safe_load((DATA / "experiments.yaml").read_text(encoding="utf-8"))


def _number(text: str) -> float | None:
    """A cell of a series: a number, or None for empty and "ns" (not sampled)."""
    text = text.strip()
    return None if text in ("", "ns") else float(text)


def _series(experiment: dict, name: str) -> list[tuple[int, float]]:
    """[(year, t C/ha)] of the column (or row) ``name`` of an experiment's SOC file."""
    rows = list(csv.reader(io.StringIO((DATA / experiment["soc_file"]).read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    if header[0] == "treatment":  # one row per treatment, one column per year
        row = next(row for row in body if row[0] == name)
        return [
            (int(y), v) for y, c in zip(header[1:], row[1:], strict=True) if (v := _number(c)) is not None
        ]
    j = header.index(name)  # one row per year, one column per treatment
    return [(int(row[0]), v) for row in body if (v := _number(row[j])) is not None]


@cache
def treatments() -> tuple[Treatment, ...]:
    """Every treatment of experiments.yaml with its measured series."""
    out = []
    for experiment in config()["experiments"]:
        for treatment in experiment["treatments"]:
            series = _series(experiment, treatment.get("column") or treatment["row"])
            out.append(Treatment(treatment["name"], experiment, treatment, tuple(series)))
    return tuple(out)


def treatment(name: str) -> Treatment | None:
    """The treatment whose site is named ``name``, or None."""
    return next((t for t in treatments() if t.name == name), None)


@cache
def weather(file: str) -> dict[str, list[float]]:
    """Monthly temperature (°C), rain and evaporation (mm) of a 30-year means file, January → December."""
    text = (DATA / file).read_bytes().decode("latin-1")  # the files write ° in Latin-1
    rows = list(csv.reader(io.StringIO(text)))
    header = next(row for row in rows if row and row[0].strip() == "Month")
    names = [h.strip() for h in header]
    months = [row for row in rows if row and row[0].strip() in _MONTH_NAMES]
    if len(months) != 12:
        raise ValueError(f"{file}: {len(months)} monthly rows, expected 12")
    out = {}
    for key, column in config()["weather"]["columns"].items():
        j = names.index(column)
        out[key] = [float(row[j]) for row in months]
    return out


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# --- seeding ----------------------------------------------------------------------------------------------


def description(t: Treatment, lang: str = "en") -> str:
    """The description of a treatment's site in ``lang``: experiment, treatment, soil and sources."""
    return i18n.gettext(
        lang,
        "{experiment} ({code}), Rothamsted, Harpenden, UK. {treatment} Soil: {soil}. Measured SOC 0–23 cm: "
        "{source}. Location: {location}.",
        experiment=i18n.render(t.experiment["name"], lang), code=t.experiment["era_code"],
        treatment=i18n.render(t.treatment["description"], lang), soil=i18n.render(t.experiment["soil"], lang),
        source=t.experiment["soc_source"], location=t.get("location_source"),
    )  # fmt: skip


def site_description(name: str, stored: str | None, lang: str) -> str | None:
    """A site's ``stored`` description in ``lang``: the seeded description of the treatment ``name`` in
    that language while the record still holds the seeded (English) one, else the record's own text."""
    t = treatment(name)
    return description(t, lang) if t is not None and stored == description(t) else stored


def quotations(name: str, lang: str) -> list[str]:
    """The texts of experiments.yaml that the answers about treatment ``name`` quote as they are, in
    English, where ``lang`` is another language: its citations and the notes the catalogue does not
    translate, longest first (a page marks them as English quotations); none for another site."""
    t = treatment(name)
    if t is None or i18n.language(lang) == "en":
        return []
    cfg = config()
    texts = [t.experiment["soc_source"], t.get("location_source"), cfg["weather"]["source"], MODEL_REFERENCE,
             t.experiment.get("start", {}).get("source"),
             cfg["fym_source"], t.get("clay_source"), t.get("fallow_source"), t.get("fym_calendar_source"),
             t.get("pre_basis"), t.treatment.get("input_source"), t.treatment.get("fit_check", {}).get("source"),
             *(cfg["crops"][p["crop"]]["basis"] for p in t.treatment["periods"]), cfg["crops"][t.get("pre_crop")]["basis"]]  # fmt: skip
    quoted = {text.strip() for text in texts if text and i18n.render(text, lang) == text}
    return sorted(quoted, key=len, reverse=True)


def site_payload(t: Treatment, organisation_id: int) -> dict:
    """The ``sites`` record of a treatment: real coordinates, land use and a description with sources."""
    text = description(t)
    return {
        "name": t.name,
        "country_iso3": "GBR",
        "lon": t.get("lon"),
        "lat": t.get("lat"),
        "land_use": t.get("land_use", "cropland"),
        "description": text,
        "organisation_id": organisation_id,
        "published": True,
    }


def observation_payloads(t: Treatment, site_id: int) -> list[dict]:
    """The measured stocks (soc_stock, Mg C/ha, 0–23 cm, one per year) and the clay content of a site."""
    upper, lower = config()["depth_cm"]
    method = f"e-RA long-term experiment record; {t.experiment['soc_source']}"[:200]
    rows = [
        {
            "site_id": site_id, "upper_cm": upper, "lower_cm": lower, "property": PROPERTY, "value": value,
            "unit": UNIT, "date": datetime.date(year, *SAMPLING_MONTH_DAY), "method": method, "published": True,
        }
        for year, value in t.series
    ]  # fmt: skip
    rows.append(
        {
            "site_id": site_id, "upper_cm": upper, "lower_cm": lower, "property": "clay",
            "value": t.get("clay_pct"), "unit": "%", "date": None,
            "method": t.get("clay_source")[:200], "published": True,
        }
    )  # fmt: skip
    return rows


def seed(session: Session) -> None:
    """Add what is missing of the e-RA organisation, the sites and their observations (idempotent)."""
    organisation = dict(config()["organisation"], published=True)
    org_id = session.scalar(select(orm.Organisation.id).where(orm.Organisation.name == organisation["name"]))
    if org_id is None:
        org_id = service.create(session, "organisations", organisation, service.SYSTEM).id
    stored_sites = dict(
        session.execute(select(orm.Site.name, orm.Site.id).where(orm.Site.organisation_id == org_id)).all()
    )
    for t in treatments():
        site_id = stored_sites.get(t.name)
        if site_id is None:
            site_id = service.create(session, "sites", site_payload(t, org_id), service.SYSTEM).id
        stored = set(
            session.execute(
                select(orm.Observation.property, orm.Observation.date)
                .join(orm.Layer, orm.Observation.layer_id == orm.Layer.id)
                .where(orm.Layer.site_id == site_id)
            ).all()
        )
        for row in observation_payloads(t, site_id):
            if (row["property"], row["date"]) not in stored:
                service.create(session, "observations", row, service.SYSTEM)


# --- the RothC runs ---------------------------------------------------------------------------------------


def _crop(name: str):
    from ..models.long_term import Crop

    entry = config()["crops"][name]
    return Crop(cover=entry["cover"], input=entry["input"], dpm_rpm=entry["dpm_rpm"],
                season_start=entry.get("season_start", 1))  # fmt: skip


def periods(t: Treatment) -> list:
    """The :class:`permille.models.long_term.Period` list of a treatment."""
    from ..models.long_term import Period

    return [
        Period(first_year=p["from"], last_year=p.get("to"), crop=_crop(p["crop"]),
               fym=tuple(sorted(p.get("fym", {}).items())), input_factor=p.get("input_factor", 1.0))
        for p in t.treatment["periods"]
    ]  # fmt: skip


def section_fallow(t: Treatment):
    """The experiment's :class:`permille.models.long_term.SectionFallow` (the sampled sections' recorded
    fallow years), or None."""
    from ..models.long_term import SectionFallow

    entry = t.get("section_fallow")
    if entry is None:
        return None
    return SectionFallow.from_records([s["fallow_years"] for s in entry["sampled"]])


_responses: dict[str, object] = {}


def response(name: str):
    """The RothC response (:class:`permille.models.long_term.Response`) of treatment ``name`` for
    1 + ``members`` members, from the experiment's start to the last full year (so that a measurement
    added to the registry falls in the run): member 0 central (clay, IOM from Falloon, FYM, starting stock, 1961–1990
    weather as given), the others drawn uniformly as experiments.yaml ``uncertainty`` says. Computed once
    per process (or handed in by :func:`keep`)."""
    if name not in _responses:
        _responses[name] = compute_response(name)
    return _responses[name]


def missing_responses() -> list[str]:
    """The treatments whose response this process has not computed yet."""
    return [t.name for t in treatments() if t.name not in _responses]


def keep(name: str, computed) -> None:
    """Keep ``computed``, the response of treatment ``name`` computed elsewhere (another process)."""
    _responses.setdefault(name, computed)


def compute_response(name: str):
    """The response of :func:`response`, computed (≈ 0.1 s a treatment, 0.3 s with section fallows)."""
    import numpy as np

    from ..models.long_term import Weather
    from ..models.long_term import response as model_response
    from ..models.rothc import iom_falloon

    t = treatment(name)
    cfg, unc = config(), config()["uncertainty"]
    rng = np.random.default_rng([unc["seed"], sum(map(ord, name))])
    m = unc["members"]

    def spread(central: float, r: float):
        return np.concatenate([[central], central * (1.0 + r * rng.uniform(-1.0, 1.0, m))])

    low, high = t.get("clay_range_pct")
    clay = np.concatenate([[t.get("clay_pct")], rng.uniform(low, high, m)])
    anchor = spread(t.start["soc_t_c_ha"], unc["anchor_soc"])
    iom = iom_falloon(anchor) * np.concatenate([[1.0], 1.0 + unc["iom"] * rng.uniform(-1.0, 1.0, m)])
    fym = spread(cfg["fym_t_c_ha_yr"], unc["fym"])
    normals = [weather(cfg["weather"]["central"])] + [
        weather(f) for f in rng.choice(cfg["weather"]["alternatives"], m)
    ]
    climate = Weather(
        **{k: np.array([w[k] for w in normals]).T for k in ("temperature", "rain", "evaporation")}
    )
    sections = section_fallow(t)  # every member: the mean of the sampled sections (their recorded fallows)
    last_year = max(max(y for y, _ in t.series), datetime.date.today().year - 1)  # to the last full year
    return model_response(
        clay=clay, anchor_soc=anchor, iom=iom, pre_crop=_crop(t.get("pre_crop")), periods=periods(t),
        start_year=t.start_year, end_year=last_year, weather=climate, fym_t_c_ha_yr=fym,
        fallow_years=t.get("fallow_years", []), section_fallow=sections,
        depth=float(cfg["depth_cm"][1] - cfg["depth_cm"][0]),
    )  # fmt: skip


FORMULAS = {
    "bias": "mean(P − O)",
    "rmse": "sqrt(mean((P − O)²))",
    "rrmse_pct": "100 × RMSE / mean(O)",
    "efficiency": "EF = 1 − Σ(O − P)² / Σ(O − mean(O))²  (Nash–Sutcliffe modelling efficiency)",
    "r": "Pearson correlation of P and O",
}
"""The validation statistics, P predicted and O observed (Smith et al. 1997, doi:10.1016/S0016-7061(97)00087-6);
catalogue messages."""


def _finite(value):
    """``value``, or None for a NaN (EF and r are undefined when the measurements do not vary)."""
    return None if isinstance(value, float) and value != value else value


def _months(lang: str) -> list[str]:
    """The months' abbreviated names in ``lang`` (CLDR), January first: "Jan" … in English."""
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", locale=i18n.language(lang))
    return [names[m] for m in range(1, 13)]


def _g(value: float, lang: str) -> str:
    """``value`` as ``:g`` writes it, with the decimal sign of ``lang``."""
    from babel.numbers import get_decimal_symbol

    return f"{value:g}".replace(".", get_decimal_symbol(i18n.language(lang)))


def _calendar(name: str, lang: str = "en") -> str:
    """A crop calendar in words: the covered months and the input shares."""
    crop, months = config()["crops"][name], _months(lang)
    covered = [m for m, c in zip(months, crop["cover"], strict=True) if c]
    shares = ", ".join(
        f"{m} {_g(float(f'{100 * x:.3g}'), lang)} %" for m, x in zip(months, crop["input"], strict=True) if x
    )
    if max(crop["input"]) - min(crop["input"]) < 1e-9:
        shares = i18n.gettext(lang, "spread evenly over the year")
    cover = (
        i18n.gettext(lang, "covered all year")
        if len(covered) == 12
        else i18n.gettext(lang, "covered {months}, bare otherwise", months=", ".join(covered))
    )
    return i18n.gettext(
        lang, "{crop}: {cover}; plant input {shares}; DPM/RPM {ratio}", crop=i18n.gettext(lang, CROPS[name]),
        cover=cover, shares=shares, ratio=_g(crop["dpm_rpm"], lang),
    )  # fmt: skip


CROPS = {
    "spring_barley": "spring barley",
    "winter_wheat": "winter wheat",
    "arable_rotation": "arable rotation",
    "grass": "grass",
    "grass_clover": "grass clover",
}
"""The crop calendars of experiments.yaml in words (catalogue messages)."""


def _years(p: dict) -> str:
    """The years of a period: "1931", "1852–1930" or "1932–" (to the end)."""
    return str(p["from"]) if p.get("to") == p["from"] else f"{p['from']}–{p.get('to', '')}"


def setup(t: Treatment, lang: str = "en") -> list[dict]:
    """Every set-up choice of the treatment's run: ``key`` (the kind of choice), ``value`` and ``source``,
    the values in ``lang`` (the sources, citations of the data file, translated where the catalogue has
    them)."""
    cfg, start, first = config(), t.start, t.start_year
    months = _months(lang)
    low, high = t.get("clay_range_pct")
    rows = [
        {"key": "start", "value": i18n.gettext(lang, "{stock} t C/ha on 31 Dec {year} ({measured} stock)",
                                    stock=_g(start["soc_t_c_ha"], lang), year=first - 1, measured=start["year"]),
         "source": i18n.render(start["source"], lang)},
        {"key": "pre", "value": i18n.gettext(lang, "{calendar}, at RothC equilibrium", calendar=_calendar(t.get("pre_crop"), lang)),
         "source": i18n.render(t.get("pre_basis"), lang)},
        {"key": "clay", "value": f"{_g(t.get('clay_pct'), lang)} % (Monte Carlo {_g(low, lang)}–{_g(high, lang)} %)",
         "source": t.get("clay_source")},
    ]  # fmt: skip
    spans = []  # consecutive periods of the same crop, as one span
    for p in t.treatment["periods"]:
        if spans and spans[-1]["crop"] == p["crop"]:
            spans[-1].pop("to", None)
            spans[-1] |= {"to": p["to"]} if "to" in p else {}
        else:
            spans.append(dict(p))
    for p in spans:
        rows.append({"key": "calendar", "value": f"{_years(p)}: {_calendar(p['crop'], lang)}",
                     "source": cfg["crops"][p["crop"]]["basis"]})  # fmt: skip
    manured = [p for p in t.treatment["periods"] if p.get("fym")]
    if manured:
        doses = "; ".join(
            f"{_years(p)}: " + " + ".join(f"{months[m - 1]}" + (f" × {_g(d, lang)}" if d != 1 else "")
                                                     for m, d in sorted(p["fym"].items()))
            for p in manured
        )  # fmt: skip
        rows.append({"key": "manure", "value": i18n.gettext(lang, "{dose} t C/ha a dose (49/49/2 % DPM/RPM/HUM); {doses}",
                                                 dose=_g(cfg["fym_t_c_ha_yr"], lang), doses=doses),
                     "source": f"{cfg['fym_source']}; {t.get('fym_calendar_source')}"})  # fmt: skip
    else:
        rows.append({"key": "manure", "value": i18n.gettext(lang, "none"),
                     "source": i18n.render(t.treatment["description"], lang)})  # fmt: skip
    factors = [p for p in t.treatment["periods"] if p.get("input_factor", 1.0) != 1.0]
    value = i18n.gettext(lang, "calibrated on the measurements (one value for the run)")
    if factors:
        value += "; " + ", ".join(i18n.gettext(lang, "× {factor} in {years}", factor=_g(p["input_factor"], lang),
                                    years=_years(p)) for p in factors)  # fmt: skip
    rows.append({"key": "plant_input", "value": value,
                 "source": t.treatment.get("input_source") or i18n.gettext(lang, NO_INPUT_RECORD)})  # fmt: skip
    fallows = [str(y) for y in t.get("fallow_years", [])]
    if (sections := t.get("section_fallow")) is not None:
        fallows.append(i18n.gettext(lang, "one section in {n} each year {first}–{last}", n=sections["sections"],
                         first=sections["from"], last=sections["to"]))  # fmt: skip
    rows.append(
        {
            "key": "fallows",
            "value": ", ".join(fallows) or i18n.gettext(lang, "none"),
            "source": t.get("fallow_source"),
        }
    )
    rows.append({"key": "iom", "value": i18n.gettext(lang, "IOM = 0.049 × SOC^1.139 of the starting stock"),
                 "source": "Falloon et al. (1998)"})  # fmt: skip
    rows.append({"key": "weather", "value": i18n.gettext(lang, "monthly means 1961–1990 (Monte Carlo: 1961–1990 or 1971–2000)"),
                 "source": cfg["weather"]["source"]})  # fmt: skip
    return rows


NO_INPUT_RECORD = "the e-RA records give no plant carbon input"


def _fit_check(t: Treatment, plant_input: float, lang: str = "en") -> str | None:
    """Why the calibrated ``plant_input`` (t C/ha/yr) is not a fit, or None: at its bound of 0, or below
    the treatment's ``fit_check`` (a fraction of the input calibrated on a treatment with the same crops)."""
    if plant_input == 0.0:
        return i18n.gettext(
            lang,
            "the model does not fit: the calibrated plant input is at its bound of 0 t C/ha/yr — even without "
            "plant input the model loses carbon more slowly than measured",
        )
    check = t.treatment.get("fit_check")
    if check is None:
        return None
    from ..models.long_term import fit_plant_input

    other = treatment(check["compare_with"])
    own = other.start["year"] if other.start["own"] else None
    years, soc = zip(*[(y, v) for y, v in other.series if y != own], strict=True)
    reference = float(fit_plant_input(response(other.name), years, soc)[0])
    if plant_input >= check["min_ratio"] * reference:
        return None
    return i18n.gettext(
        lang,
        "the model does not fit: the calibrated plant input {input} t C/ha/yr is {share} % of the {reference} "
        "calibrated on {other}, which grew the same crops (below {least} %: {source}); the model loses the "
        "carbon of the ploughed grass more slowly than measured, and the fit makes up for it with an "
        "implausibly small input",
        input=i18n.number(plant_input, 2, lang), share=i18n.number(100 * plant_input / reference, 0, lang),
        reference=i18n.number(reference, 2, lang), other=other.name,
        least=i18n.number(100 * check["min_ratio"], 0, lang), source=i18n.render(check["source"], lang),
    )  # fmt: skip


def long_term(site_name: str, measured: list[tuple[int, float]], lang: str = "en") -> dict | None:
    """Measured vs modelled SOC of the site named ``site_name`` (None if it is no Rothamsted treatment):
    ``measured`` [(year, t C/ha)] from the registry (0–23 cm). The plant input is fitted by least squares
    on every measurement in the run but the starting stock; validation on leave-one-out predictions. The
    sentences are in ``lang``; ``role`` and the keys are codes."""
    import numpy as np

    from ..measure.validation import validate
    from ..models.long_term import fit_plant_input, leave_one_out

    t = treatment(site_name)
    if t is None:
        return None
    resp = response(site_name)
    start = t.start
    first, last = int(resp.years[0]), int(resp.years[-1])

    def role(year: int) -> str:
        if start["own"] and year == start["year"]:
            return "starting stock"
        return "calibration and validation" if first <= year <= last else "outside the run"

    points = [{"year": y, "soc_t_c_ha": v, "role": role(y)} for y, v in measured]
    used = [(y, v) for y, v in sorted(measured) if role(y) == "calibration and validation"]
    base = {
        "experiment": i18n.render(t.experiment["name"], lang), "treatment": t.name, "era_code": t.experiment["era_code"],
        "depth_cm": config()["depth_cm"], "measured": sorted(points, key=lambda p: p["year"]),
        "setup": setup(t, lang),
        "sources": [t.experiment["soc_source"], config()["weather"]["source"],
                    i18n.gettext(lang, MODEL_SOURCE, model=MODEL_REFERENCE)],
        "quotations": quotations(site_name, lang),
    }  # fmt: skip
    if len(used) < 3:
        note = i18n.ngettext(
            lang,
            "{n} measurement after the starting stock: at least 3 are needed",
            "{n} measurements after the starting stock: at least 3 are needed",
            len(used),
        )
        return base | {"modelled": None, "validation": None, "note": note}
    years, observed = np.array([y for y, _ in used]), np.array([v for _, v in used])
    p = fit_plant_input(resp, years, observed)
    soc = resp.soc(p)  # (years, members)
    lo, hi = np.percentile(soc[:, 1:], [2.5, 97.5], axis=1)
    start_low, start_high = np.percentile(resp.start_soc[1:], [2.5, 97.5])
    series = [{"year": t.start_year - 1, "soc_t_c_ha": float(resp.start_soc[0]), "low_t_c_ha": float(start_low),
               "high_t_c_ha": float(start_high)}]  # fmt: skip
    series += [
        {
            "year": int(y),
            "soc_t_c_ha": float(soc[i, 0]),
            "low_t_c_ha": float(lo[i]),
            "high_t_c_ha": float(hi[i]),
        }
        for i, y in enumerate(resp.years)
    ]
    predicted = leave_one_out(resp, years, observed)
    stats = validate(predicted, observed).as_dict()
    pairs = [
        {"year": int(y), "observed_t_c_ha": float(o), "predicted_t_c_ha": float(q)}
        for y, o, q in zip(years, observed, predicted, strict=True)
    ]
    p_low, p_high = np.percentile(p[1:], [2.5, 97.5])
    fit = _fit_check(t, float(p[0]), lang)
    return base | {
        "modelled": {
            "model": i18n.gettext(
                lang, "RothC-26.3 (permille.models.rothc), monthly, on the Rothamsted 30-year weather means"
            ),
            "start": i18n.gettext(
                lang,
                "RothC equilibrium of the pre-experiment land use on 31 Dec {year}, total SOC = the "
                "starting stock {stock} t C/ha ({source}); {basis}",
                year=t.start_year - 1,
                stock=_g(start["soc_t_c_ha"], lang),
                source=i18n.render(start["source"], lang),
                basis=i18n.render(t.get("pre_basis"), lang).rstrip("."),
            ),
            "plant_input_t_c_ha_yr": float(p[0]),
            "plant_input_interval_t_c_ha_yr": [float(p_low), float(p_high)],
            "plant_input_basis": i18n.gettext(
                lang,
                "calibrated: least squares on the measurements after the starting "
                "stock (SOC is linear in the input); {record}",
                record=i18n.gettext(lang, NO_INPUT_RECORD),
            ),
            "fit": fit,
            "pre_experiment_input_t_c_ha_yr": float(resp.pre_input[0]),
            "fym_t_c_ha_yr": config()["fym_t_c_ha_yr"]
            if any(q.get("fym") for q in t.treatment["periods"])
            else 0.0,
            "fym_basis": config()["fym_source"],
            "clay_pct": t.get("clay_pct"),
            "clay_source": t.get("clay_source"),
            "iom_t_c_ha": float(resp.iom[0]),
            "iom_basis": "Falloon et al. (1998): IOM = 0.049 × SOC^1.139",
            "weather": i18n.gettext(
                lang, "{source}; central run 1961–1990", source=config()["weather"]["source"]
            ),
            "members": int(soc.shape[1] - 1),
            "interval": i18n.gettext(lang, INTERVAL),
            "points": series,
        },
        "validation": {
            "method": i18n.gettext(
                lang, "leave-one-out: each measurement predicted by the model calibrated on the others"
            ),
            "pairs": pairs,
            "statistics": {
                k: _finite(stats[k])
                for k in (
                    "n",
                    "bias",
                    "bias_low",
                    "bias_high",
                    "rmse",
                    "rrmse_pct",
                    "efficiency",
                    "r",
                    "p",
                    "alpha",
                    "passes_bias_test",
                )
            },  # fmt: skip
            "units": i18n.gettext(lang, "t C/ha (0–23 cm); rrmse_pct in %"),
            "formulas": {key: i18n.gettext(lang, formula) for key, formula in FORMULAS.items()},
        },
    }
