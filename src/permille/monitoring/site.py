"""A site's monitoring answer: observations by depth and date, measured 0–30 cm stocks, a RothC nowcast
with its uncertainty band, the practices timeline of projects within :data:`SITE_RADIUS_KM`, and the mapped
stock of the site's pixel beside its latest measured stock (:mod:`.mapped`)."""

import datetime
import math
from collections.abc import Callable

import numpy as np
from sqlalchemy import select

from .. import i18n
from ..registry import rothamsted
from ..registry.orm import Project, Site
from ..registry.permissions import read_filter
from ..registry.service import NotFound
from . import measured as measured_stocks
from .mapped import comparison, mapped_stock
from .nowcast import NOWCAST_MISSING, SiteRef, in_language, nowcast, site_inputs
from .sources import TOPSOIL

SITE_RADIUS_KM = 25.0
"""Projects within this distance of a site make its practices timeline, km."""


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance on the authalic sphere, km."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.007 * math.acos(max(-1.0, min(1.0, c)))


def _record(session, user, site_id: int) -> Site:
    record = session.scalar(select(Site).where(Site.id == site_id, read_filter(user, Site)))
    if record is None:
        raise NotFound(f"no site {site_id}")
    return record


def observations_by_depth(session, user, site_id: int) -> tuple[Site, list, list[dict]]:
    """The site, its readable observations (by date, depth, property) and their answer rows; not found when
    ``user`` may not read the site."""
    record = _record(session, user, site_id)
    rows = sorted(
        measured_stocks.observations(session, user, id=site_id),
        key=lambda o: (str(o.date), o.upper_cm, o.property),
    )
    by_depth = [
        {
            "id": o.id, "date": o.date.isoformat() if o.date else None, "upper_cm": o.upper_cm,
            "lower_cm": o.lower_cm, "property": o.property, "value": o.value, "unit": o.unit,
            "uncertainty": o.uncertainty, "method": o.method,
        }
        for o in rows
    ]  # fmt: skip
    return record, rows, by_depth


def _inline(function: Callable, *args):
    return function(*args)


def site(
    session, user, site_id: int, today: datetime.date | None = None, run: Callable = _inline, lang: str = "en"
) -> dict:
    """The site answer (see the module docstring); ``today`` ends the nowcast (default: today). ``run``
    computes the nowcast (the API passes its toolkit pool's ``call``: heavy work leaves the serving process).
    The whole answer is in ``lang`` (sentences, source lines, a seeded long-term site's description);
    ``quotations``: the texts in them quoted as they are, in English (citations, data-file notes)."""
    record, rows, by_depth = observations_by_depth(session, user, site_id)
    measured = measured_stocks.site_stocks(rows).get(site_id, [])
    clay = [measured_stocks.canonical(o)[0] for o in rows if o.property == "clay"]
    climate, missing = site_inputs(record, measured, clay)
    projects = session.scalars(
        select(Project).where(Project.country_iso3 == record.country_iso3, read_filter(user, Project))
    )
    timeline = sorted(
        (
            {
                "project_id": p.id, "name": p.name, "start_year": p.start_year, "stage": p.stage,
                "practices": p.practices, "distance_km": round(distance_km(record.lat, record.lon, p.lat, p.lon), 1),
            }
            for p in projects
            if distance_km(record.lat, record.lon, p.lat, p.lon) <= SITE_RADIUS_KM
        ),
        key=lambda item: (item["start_year"] or 0, item["name"]),
    )  # fmt: skip
    today = today or datetime.date.today()
    mapped = mapped_stock(record.lat, record.lon, lang)
    computed = (
        run(nowcast, SiteRef(record.id, record.land_use), measured, float(np.mean(clay)), climate, today)
        if climate else None
    )  # fmt: skip
    quoted = set(rothamsted.quotations(record.name, lang))  # texts quoted in English (data, citations)
    if computed and i18n.language(lang) != "en":
        source = computed["climate_source"]  # "<title> — <citation> (<licence>)": the citation is quoted
        quoted.add(source.values["citation"] if isinstance(source, i18n.Text) else source)
    quotations = sorted(quoted, key=len, reverse=True)
    answer = {
        "id": record.id, "name": record.name, "country_iso3": record.country_iso3, "lat": record.lat,
        "lon": record.lon, "land_use": record.land_use,
        "description": rothamsted.site_description(record.name, record.description, lang),
        "observations": by_depth, "measured": measured,
        "nowcast": computed and in_language(computed, lang),
        "nowcast_missing": missing and {"input": missing, "message": i18n.gettext(lang, NOWCAST_MISSING[missing])},
        "practices": timeline, "depth_cm": list(TOPSOIL),
        "mapped": mapped, "comparison": comparison(measured, mapped),
        "quotations": quotations,
    }  # fmt: skip
    return i18n.localized(answer, lang)
