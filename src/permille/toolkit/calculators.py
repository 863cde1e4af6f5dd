"""The toolkit's calculators as whole answers — JSON, CSV or PDF — from validated inputs
(:mod:`permille.toolkit.schemas`): what the API sends back and the CLI prints. Each runs in a worker
process of :class:`permille.toolkit.pool.ComputePool` (arguments and results are pickled); a refusal
is a :class:`~.answers.Refused` listing every problem.
"""

import math
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..i18n import Text
from ..io import balance_report, report_render, soil_import
from ..io.csv_safe import write_csv
from ..models import balance as balance_model
from . import limits, measure, rothc
from .answers import Answer, Refused
from .limits import beyond
from .schemas import BalanceIn, CreditsIn, RothcScenarioIn, SamplingIn, StocksIn

CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


def refused(error: ValueError) -> Refused:
    """A library's refusal (every problem in one message) as a :class:`Refused` listing each problem."""
    if error.args and isinstance(error.args[0], Text):
        return Refused(error.args[0], [{"message": error.args[0]}])
    lines = [line.strip(" -") for line in str(error).splitlines() if line.strip()]
    head = lines[0] if lines else "invalid input"
    details = lines[1:] or [part.strip() for part in head.split("; ")]
    return Refused(head.rstrip(":"), [{"message": d} for d in details])


def jsonable(value):
    """``value`` with every non-finite float (a quantity that has no value, e.g. the t quantile of a rule
    that does not apply) as ``None``, so that the answer is valid JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _csv(table: pd.DataFrame, name: str) -> Answer:
    text = write_csv(table.to_dict("records"), list(table.columns))  # cells neutralised (formula injection)
    return Answer(content=text.encode("utf-8"), media_type=CSV, filename=f"{name}.csv")


def _pdf(content: bytes, name: str) -> Answer:
    return Answer(content=content, media_type=PDF, filename=f"{name}.pdf")


def rothc_scenario(body: RothcScenarioIn, fmt: str = "json") -> Answer:
    """:func:`permille.toolkit.rothc.scenario`; CSV: its yearly stocks."""
    try:
        result = rothc.scenario(body)
    except ValueError as e:
        raise refused(e) from None
    if fmt == "csv":
        return _csv(rothc.yearly_table(result), "rothc-scenario")
    return Answer(jsonable(result))


def project_balance(body: BalanceIn, fmt: str = "json", lang: str = "en") -> Answer:
    """IPCC Tier 1, Tier 2 and RothC balance of a project (:func:`permille.models.balance.simulate`);
    CSV: the yearly table (rounded to :data:`~permille.io.balance_report.CSV_DECIMALS`); PDF: the balance
    report in ``lang``."""
    try:
        result = balance_model.simulate(
            body.to_model(), draws=body.monte_carlo.draws, seed=body.monte_carlo.seed
        )
    except ValueError as e:
        raise refused(e) from None
    if fmt == "csv":
        return _csv(balance_report.yearly_csv_table(result), "balance-yearly")
    if fmt == "pdf":
        html = balance_report.report_html(result, lang, seed=body.monte_carlo.seed)
        return _pdf(report_render.pdf(html), "balance-report")
    summary = result.summary()
    return Answer(
        jsonable(
            {
                "calculator": "balance",
                "project": body.name,
                "period": [body.first_year, body.last_year],
                "guidelines": f"IPCC {body.guidelines}",
                "n_draws": result.n_draws,
                "seed": body.monte_carlo.seed,
                "interval": "95 % (2.5–97.5 percentiles of the draws)",
                "quantities": balance_report.QUANTITIES,
                "estimates": {m: {k: asdict(e) for k, e in q.items()} for m, q in summary.items()},
                "disagreements": [list(pair) for pair in balance_report.disagreements(summary)],
                "yearly": balance_report.yearly_table(result).to_dict(orient="records"),
                "areas": [a.area.name for a in result.areas],
            }
        )
    )


def soil_stocks(content: bytes, filename: str, options: StocksIn, fmt: str = "json") -> Answer:
    """Fixed-depth and ESM stocks (:func:`permille.toolkit.measure.stocks`) of an uploaded table of at most
    :data:`~permille.toolkit.limits.MAX_STOCKS_ROWS` rows; CSV: one row per profile, method and depth."""
    name = Path(filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).stem + ".csv")
        path.write_bytes(content)
        try:
            table = soil_import.read_table(path)
            if len(table) > limits.MAX_STOCKS_ROWS:
                message = beyond("MAX_STOCKS_ROWS", Text("{name}: rows", name=name), len(table))
                raise Refused(message, [{"message": message}])
            result = measure.stocks(table, options, name)
        except soil_import.SoilImportError as e:
            details = [{"row": p.row, "column": p.column, "message": p.message} for p in e.problems]
            message = Text(
                "{name}: {n} problem; nothing was imported",
                "{name}: {n} problems; nothing was imported",
                n=len(details),
                name=name,
            )
            raise Refused(message, details, None) from None
        except ValueError as e:
            raise refused(e) from None
    if fmt == "csv":
        return _csv(pd.DataFrame(result["profiles"]), "stocks")
    return Answer(jsonable(result))


def sampling_design(body: SamplingIn, fmt: str = "json") -> Answer:
    """:func:`permille.toolkit.measure.sampling_design`; CSV: one row per stratum."""
    try:
        result = measure.sampling_design(body)
    except ValueError as e:
        raise refused(e) from None
    if fmt == "csv":
        rows = result["strata"] or [{"stratum": "all", "n": result["n"]}]
        table = pd.DataFrame(rows).assign(n_total=result["n"], mdd_at_n_t_c_ha=result["mdd_at_n_t_c_ha"])
        return _csv(table, "sampling-design")
    return Answer(jsonable(result))


def credit_estimate(body: CreditsIn, fmt: str = "json", lang: str = "en") -> Answer:
    """:func:`permille.toolkit.measure.credit_estimate`; CSV: the credit lines; PDF: the verification
    report in ``lang``."""
    try:
        result, report = measure.credit_estimate(body)
    except ValueError as e:
        raise refused(e) from None
    if fmt == "csv":
        return _csv(pd.DataFrame(result["lines"]), "credits")
    if fmt == "pdf":
        return _pdf(measure.report_pdf(report, lang), "credits-report")
    return Answer(jsonable(result))


CALCULATORS = {
    "rothc": rothc_scenario,
    "balance": project_balance,
    "stocks": soil_stocks,
    "sampling": sampling_design,
    "credits": credit_estimate,
}
"""Calculator name → function (the names of ``/api/toolkit/<name>`` and of the usage rows)."""
