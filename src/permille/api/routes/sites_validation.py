"""Measured vs modelled SOC of a long-term experiment site, with the model's validation statistics.

``GET /api/monitoring/sites/{id}/long-term``: for a Rothamsted long-term experiment site
(:mod:`permille.registry.rothamsted`), its measured SOC stocks (the site's ``soc_stock`` observations,
t C/ha over 0–23 cm, as the registry holds them now), the RothC-26.3 series of its treatment with a 95 %
Monte Carlo band, bias, RMSE, relative RMSE and modelling efficiency (EF, Nash–Sutcliffe) of
leave-one-out predictions with their formulas, and every set-up choice of the run with its source. Any other readable site answers ``{"available": false}``.
The model and statistics modules are imported inside the endpoint (the server starts without them); the RothC
runs of the treatments are computed once per process, in another process after start-up (:func:`warm_up`).
"""

import threading
from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from ...i18n import Text
from ...registry.orm import Layer, Observation, Organisation, Site
from ...registry.permissions import read_filter
from ...registry.schemas import MAX_INTEGER
from ..deps import LanguageDep, SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/monitoring", tags=["monitoring"], responses=ERROR_RESPONSES)
WARM_UP_DELAY_S = 10.0
"""Seconds after start-up before the background computation of the RothC runs (first requests first)."""
_warm_up = threading.Lock()


def _compute(connection, names: list[str]) -> None:
    """(In the spawned process, at the toolkit's lower priority) send ``(name, response)`` of each
    treatment of ``names``."""
    from ...registry import rothamsted
    from ...toolkit.pool import lower_priority

    lower_priority()

    for name in names:
        connection.send((name, rothamsted.compute_response(name)))
    connection.close()


class WarmUp:
    """The treatments' responses not yet computed here, computed in a spawned process after ``delay_s``
    (the RothC runs and their compilation hold the interpreter lock: in a thread of the server they would
    stall every request for seconds) and kept in this one as they arrive; :meth:`stop` ends it."""

    def __init__(self, delay_s: float):
        self._stopped = threading.Event()
        self._process = None
        threading.Thread(target=self._run, args=(delay_s,), daemon=True, name="rothamsted-warm-up").start()

    def _run(self, delay_s: float) -> None:
        import multiprocessing

        from ...registry import rothamsted

        if self._stopped.wait(delay_s) or not (names := rothamsted.missing_responses()):
            return
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_compute, args=(sender, names), daemon=True)
        self._process.start()
        sender.close()
        try:
            while not self._stopped.is_set():
                rothamsted.keep(*receiver.recv())
        except (EOFError, OSError):  # all sent, or the process was stopped
            pass
        finally:
            receiver.close()
            self._process.join(5)

    def stop(self) -> None:
        self._stopped.set()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()


def warm_up(delay_s: float = WARM_UP_DELAY_S) -> WarmUp | None:
    """Start the warm-up of the RothC runs (:class:`WarmUp`), once per process (None if started already),
    so that the site pages answer at once."""
    if _warm_up.acquire(blocking=False):  # never released: once per process
        return WarmUp(delay_s)
    return None


@router.get("/sites/{site_id}/long-term")
def long_term(
    site_id: Annotated[int, Path(ge=1, le=MAX_INTEGER)], session: SessionDep, user: UserDep, lang: LanguageDep
):
    """A long-term experiment site: measured and modelled SOC (t C/ha, 0–23 cm) over time, the model's
    set-up with its sources, and leave-one-out validation statistics, in the request's language."""
    from ...registry import rothamsted

    record = session.scalar(select(Site).where(Site.id == site_id, read_filter(user, Site)))
    if record is None:
        raise ApiError(404, Text("no site {id}", id=site_id))
    owner = session.scalar(select(Organisation.name).where(Organisation.id == record.organisation_id))
    if owner != rothamsted.config()["organisation"]["name"] or rothamsted.treatment(record.name) is None:
        return {"site_id": site_id, "available": False}
    upper, lower = rothamsted.config()["depth_cm"]
    rows = session.execute(
        select(Observation.date, Observation.value, Observation.unit)
        .join(Layer, Observation.layer_id == Layer.id)
        .where(
            Layer.site_id == site_id,
            Layer.upper_cm == upper,
            Layer.lower_cm == lower,
            Observation.property == rothamsted.PROPERTY,
            Observation.date.is_not(None),
            read_filter(user, Observation),
        )
    ).all()
    from ...measure.units import StockUnit

    measured = {}
    for date, value, unit in sorted(rows):
        measured[date.year] = value * StockUnit.parse(unit).factor  # the year's latest measurement
    return {"site_id": site_id, "available": True} | rothamsted.long_term(
        record.name, sorted(measured.items()), lang
    )
