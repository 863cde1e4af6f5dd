"""Monitoring layers by zone (country, region, world), precomputed by :mod:`permille.grid.atlas` and
bundled as ``permille/data/monitoring/zone_statistics.csv`` (SYNTHETIC demonstration data, flagged as
such in every row's ``dataset``). Migration ``0002_zone_statistics`` creates the table.

Units: ``mean``/``sd_mean``/``mean_low``/``mean_high`` in ``mean_units`` (t C ha-1 or t C ha-1 yr-1),
``total``/``sd_total``/``total_low``/``total_high`` in ``total_units`` (Mt C or Mt C yr-1), areas in ha.
"""

import csv
import io
import json
from importlib.resources import files

from sqlalchemy import Boolean, Float, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .orm import Base

BUNDLED = files("permille") / "data" / "monitoring"
BUNDLED_DATASET = "atlas-synthetic"

_TEXT = ("level", "zone", "name", "region", "layer", "scenario", "mean_units", "total_units")
_NUMBERS = (
    "zone_area_ha", "area_ha", "covered_fraction", "mean", "sd_mean", "mean_low", "mean_high",
    "total", "sd_total", "total_low", "total_high",
)  # fmt: skip


class ZoneStatistic(Base):
    """One layer of one zone in one year: area-weighted mean and total with SD and 95 % interval."""

    __tablename__ = "zone_statistic"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(60), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str] = mapped_column(String(10), index=True)  # global, region, country
    zone: Mapped[str] = mapped_column(String(60), index=True)  # ISO3, region name or WLD
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(60), default="")
    layer: Mapped[str] = mapped_column(String(30), index=True)
    scenario: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    mean_units: Mapped[str] = mapped_column(String(20))
    total_units: Mapped[str] = mapped_column(String(20))
    n_valid: Mapped[int] = mapped_column(Integer)
    zone_area_ha: Mapped[float] = mapped_column(Float)
    area_ha: Mapped[float] = mapped_column(Float)
    covered_fraction: Mapped[float | None] = mapped_column(Float)
    mean: Mapped[float | None] = mapped_column(Float)
    sd_mean: Mapped[float | None] = mapped_column(Float)
    mean_low: Mapped[float | None] = mapped_column(Float)
    mean_high: Mapped[float | None] = mapped_column(Float)
    total: Mapped[float | None] = mapped_column(Float)
    sd_total: Mapped[float | None] = mapped_column(Float)
    total_low: Mapped[float | None] = mapped_column(Float)
    total_high: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("dataset", "level", "zone", "layer", "year"),)


def bundled_metadata() -> dict:
    """Provenance of the bundled table (``synthetic``, parameters, sources, columns with units)."""
    return json.loads((BUNDLED / "zone_statistics.json").read_text(encoding="utf-8"))


def _number(text: str) -> float | None:
    return None if text in ("", "nan", "NaN") else float(text)


def load_bundled(session: Session) -> int:
    """Load the bundled table unless it is already there (idempotent); returns the rows added. The
    caller commits."""
    if session.scalar(select(func.count()).where(ZoneStatistic.dataset == BUNDLED_DATASET)):
        return 0
    synthetic = bool(bundled_metadata()["synthetic"])
    text = (BUNDLED / "zone_statistics.csv").read_text(encoding="utf-8")
    rows = [
        {key: row[key] for key in _TEXT}
        | {key: _number(row[key]) for key in _NUMBERS}
        | {"year": int(row["year"]), "n_valid": int(row["n_valid"])}
        | {"dataset": BUNDLED_DATASET, "synthetic": synthetic}
        for row in csv.DictReader(io.StringIO(text))
    ]
    session.execute(ZoneStatistic.__table__.insert(), rows)
    return len(rows)


def real_dataset(session: Session) -> str | None:
    """The real (``synthetic=False``) dataset the monitoring pages show: the one written last; None when
    only the synthetic demonstration dataset (or nothing) is loaded."""
    return session.scalar(
        select(ZoneStatistic.dataset)
        .where(ZoneStatistic.synthetic.is_(False))
        .order_by(ZoneStatistic.id.desc())
        .limit(1)
    )


def statistics(
    session: Session, *, level=None, zone=None, layer=None, year=None, dataset: str = BUNDLED_DATASET
) -> list[ZoneStatistic]:
    """Rows of ``dataset`` (default: the bundled one) matching the given filters, by level, zone, layer and
    year."""
    query = select(ZoneStatistic).where(ZoneStatistic.dataset == dataset)
    for column, value in (("level", level), ("zone", zone), ("layer", layer), ("year", year)):
        if value is not None:
            query = query.where(getattr(ZoneStatistic, column) == value)
    order = (ZoneStatistic.level, ZoneStatistic.zone, ZoneStatistic.layer, ZoneStatistic.year)
    return list(session.scalars(query.order_by(*order)))


def final_year(session: Session, dataset: str = BUNDLED_DATASET) -> int:
    """The last year of the forward run in ``dataset``."""
    return session.scalar(select(func.max(ZoneStatistic.year)).where(ZoneStatistic.dataset == dataset))


def start_year(session: Session, dataset: str = BUNDLED_DATASET) -> int:
    """The year of the T0 stock in ``dataset``."""
    return session.scalar(select(func.min(ZoneStatistic.year)).where(ZoneStatistic.dataset == dataset))
