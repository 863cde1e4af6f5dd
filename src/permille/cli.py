"""The ``permille`` command line."""

import os
import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # numerical modules load in the commands that use them: `permille --help` stays quick
    from .io import rothc_files
    from .models import rothc

app = typer.Typer(
    help="permille — soil organic carbon for the «4 per 1000» Initiative: measure, model, map, verify, report.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
rothc_app = typer.Typer(
    help="RothC-26.3, the Rothamsted soil carbon model (t C/ha, monthly), compatible with the official files.",
    no_args_is_help=True,
)
app.add_typer(rothc_app, name="rothc")
measure_app = typer.Typer(
    help="Field measurements to verified numbers: import, stocks, ESM, comparisons, credits, reports.",
    no_args_is_help=True,
)
app.add_typer(measure_app, name="measure")
grid_app = typer.Typer(
    help="Sequestration-potential maps (GSOCseq-class RothC) on xarray + Dask, and zonal statistics.",
    no_args_is_help=True,
)
app.add_typer(grid_app, name="grid")
ipcc_app = typer.Typer(
    help="IPCC soil carbon coefficients (2006 Guidelines, 2019 Refinement).", no_args_is_help=True
)
app.add_typer(ipcc_app, name="ipcc")
data_app = typer.Typer(
    help="The layer catalogue (STAC items): list, show, add and verify the real data layers.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")
atlas_app = typer.Typer(
    help="The monitoring atlas (zone statistics of the dashboard) from the catalogue's real layers.",
    no_args_is_help=True,
)
app.add_typer(atlas_app, name="atlas")
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

EXAMPLE = files("permille") / "data" / "rothc" / "RothC_input.dat"

InputFile = Annotated[
    Path,
    typer.Argument(help="An official RothC input file (RothC_input.dat, R v2.0.0 or Python/Fortran layout)."),
]
SpinUp = Annotated[
    str,
    typer.Option(
        help="'official': iterate the first 12 months until |ΔSOC| ≤ 1e-6 t C/ha/yr, as the official code "
        "(identical results); 'exact': start from the exact periodic equilibrium."
    ),
]


def _fail(error: Exception) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(2)


def _read(path: Path) -> "rothc_files.RothCInput":
    from .io import rothc_files

    try:
        return rothc_files.read_input(path)
    except rothc_files.RothCFileError as e:
        _fail(e)


def _pools_table(title: str, states: "dict[str, rothc.State]") -> Table:
    from .models import rothc

    table = Table(title=title, title_justify="left")
    table.add_column("t C/ha")
    for name in states:
        table.add_column(name, justify="right")
    rows = {pool: [s.pools[i, 0] for s in states.values()] for i, pool in enumerate(rothc.POOLS)}
    rows["IOM"] = [s.iom[0] for s in states.values()]
    rows["SOC"] = [s.soc[0] for s in states.values()]
    for name, values in rows.items():
        table.add_row(name, *(f"{v:.4f}" for v in values), style="bold" if name == "SOC" else None)
    return table


def _run_file(path: Path, out: Path, spin_up: str, plot: bool) -> "rothc_files.RothCRun":
    from .io import rothc_files
    from .io.rothc_plot import plot_run
    from .models import rothc

    data = _read(path)
    try:
        run = rothc_files.run_input(data, spin_up=spin_up)
    except (rothc.RothCInputError, ValueError) as e:
        _fail(e)
    written = rothc_files.write_results(run, out)
    if plot:
        written.append(plot_run(run, out / "soc.png"))
    r = run.result
    (y0, m0), (y1, m1) = data.months[["year", "month"]].iloc[[12, data.nsteps - 1]].to_numpy()
    years = (data.nsteps - 12) / 12
    change = r.soc[-1, 0] - r.initial.soc[0]
    console.print(
        f"[bold]{path}[/] — clay {data.clay:g} %, depth {data.depth:g} cm, IOM {data.iom:g} t C/ha; "
        f"{data.nsteps - 12} months {y0}-{m0:02d} … {y1}-{m1:02d}"
    )
    spun = f"{run.spinup_months} months of official spin-up" if run.spinup_months else "exact equilibrium"
    console.print(f"start: {spun}; SOC {r.initial.soc[0]:.4f} t C/ha")
    console.print(
        f"end:   SOC {r.soc[-1, 0]:.4f} t C/ha, change {change:+.4f} t C/ha ({change / years:+.4f} t C/ha/yr, "
        f"{change / r.initial.soc[0] / years * 1000:+.2f} ‰/yr); inputs {r.inputs[-1, 0]:.2f}, "
        f"CO2-C {r.co2[-1, 0]:.2f} t C/ha; mass-balance residual {abs(r.mass_balance_residual()[-1, 0]):.1e}"
    )
    for p in written:
        console.print(f"wrote {p}")
    return run


@rothc_app.command("run")
def rothc_run(
    input_file: InputFile,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the result tables (and plot).")] = Path(
        "results"
    ),
    spin_up: SpinUp = "official",
    plot: Annotated[bool, typer.Option(help="Also draw soc.png.")] = True,
) -> None:
    """Run an official RothC input file and write the official month/year result tables."""
    _run_file(input_file, out, spin_up, plot)


@rothc_app.command("equilibrium")
def rothc_equilibrium(
    input_file: InputFile,
    soc: Annotated[
        float | None,
        typer.Option(help="Observed SOC, t C/ha: also solve for the annual plant input that sustains it."),
    ] = None,
) -> None:
    """Equilibrium of a file's first 12 months: exact solution next to the official iterative spin-up."""
    import numpy as np

    from .models import rothc

    data = _read(input_file)
    climate = data.forcing(slice(0, 12))
    try:
        exact = rothc.equilibrium(data.soil, climate)
        official, months = rothc.spin_up(data.soil, climate)
        states = {"exact": exact, f"spin-up ({months[0]} months)": official}
        if soc is not None:
            annual, matched = rothc.inputs_for_stock(data.soil, climate, soc)
            states[f"SOC {soc:g}"] = matched
    except rothc.RothCInputError as e:
        _fail(e)
    console.print(_pools_table(f"Equilibrium on 31 December — {input_file}", states))
    gap = np.abs(exact.pools - official.pools).max()
    console.print(
        f"largest pool difference exact − spin-up: {gap:.2e} t C/ha (the spin-up's own convergence)"
    )
    if soc is not None:
        console.print(f"plant input that sustains SOC {soc:g} t C/ha: [bold]{annual[0]:.4f} t C/ha/yr[/]")


@app.command()
def balance(
    project_file: Annotated[
        Path, typer.Argument(help="A project file (YAML or JSON); see examples/project.yaml.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for balance.json, yearly.csv, balance.html, balance.pdf."),
    ] = Path("results"),
    draws: Annotated[
        int | None, typer.Option(help="Monte Carlo draws (default: the file's, else 1000).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the file's).")] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: en, fr or es.")] = "en",
) -> None:
    """Soil carbon balance of a project, with minus without: IPCC Tier 1, Tier 2 and RothC side by side,
    with Monte Carlo uncertainty and the 4‰ indicator."""
    from .io import balance_report
    from .io.project_file import ProjectFileError, read_project
    from .models import balance as balance_model

    try:
        spec = read_project(project_file)
        n = spec.monte_carlo.draws if draws is None else draws
        with console.status(f"running 3 models × 2 scenarios × {len(spec.areas)} area(s) × {n} draws…"):
            result = balance_model.simulate(
                spec.to_model(), draws=n, seed=spec.monte_carlo.seed if seed is None else seed
            )
    except (ProjectFileError, ValueError, LookupError) as e:
        _fail(e)
    console.print(_balance_table(result))
    for path in balance_report.write(result, out, lang):
        console.print(f"wrote {path}")


def _balance_table(result) -> Table:
    p = result.project
    table = Table(
        title=f"{p.name} — {p.first_year}–{p.last_year}, IPCC {p.guidelines}, {result.n_draws} Monte Carlo draws; "
        "mean ± sd [95 % interval]",
        title_justify="left",
    )
    columns = [
        ("start_with", "SOC start\nt C/ha", 1, False),
        ("end_without", "SOC end, without\nt C/ha", 1, False),
        ("end_with", "SOC end, with\nt C/ha", 1, False),
        ("balance_t_co2e_ha_yr", "balance\nt CO2e/ha/yr", 2, True),
        ("total_t_co2e", "total balance\nt CO2e", 0, True),
        ("relative_change_per_yr", "SOC change with\n‰/yr", 2, True),
        ("share_of_4permille", "share of 4‰\n%", 0, True),
    ]
    table.add_column("model")
    for _, header, _, _ in columns:
        table.add_column(header, justify="right")
    for model, estimates in result.summary().items():
        cells = []
        for key, _, digits, interval in columns:
            e = estimates[key]
            scale = 1000 if key == "relative_change_per_yr" else 100 if key == "share_of_4permille" else 1
            text = f"{e.mean * scale:,.{digits}f} ± {e.sd * scale:,.{digits}f}"
            if interval:
                text += f"\n[{e.low * scale:,.{digits}f}, {e.high * scale:,.{digits}f}]"
            cells.append(text)
        table.add_row(model, *cells)
    return table


@ipcc_app.command("factors")
def ipcc_factors(
    zone: Annotated[str, typer.Argument(help="IPCC climate zone, e.g. 'warm temperate moist'.")],
    soil: Annotated[str, typer.Argument(help="IPCC soil class: HAC, LAC, sandy, spodic, volcanic, wetland.")],
    guidelines: Annotated[str, typer.Option(help="'2019' (Refinement) or '2006'.")] = "2019",
) -> None:
    """SOCref and every stock change factor for a climate zone and soil class, with uncertainty and source,
    and the Tier 1 equilibrium stock of each practice."""
    from .models.ipcc import categories as c
    from .models.ipcc.coefficients import socref, stock_change_factor

    try:
        zone_, soil_, version = c.ClimateZone(zone), c.SoilClass(soil), c.Guidelines(guidelines)
        ref = socref(zone_, soil_, version)
    except (ValueError, LookupError) as e:
        _fail(e)
    console.print(
        f"SOCref ({zone_}, {soil_}, IPCC {version}): [bold]{ref.value:g} t C/ha ± {ref.error_pct_95:g} %[/] "
        f"(95 %) — {ref.source}"
    )
    table = Table(
        title="Stock change factors (−), ± % at 95 %; SOC = SOCref × FLU × FMG × FI", title_justify="left"
    )
    for header in ("land use", "factor", "level", "value", "± %", "SOC t C/ha", "verified"):
        table.add_column(header, justify="right" if header in ("value", "± %", "SOC t C/ha") else "left")
    cases = [(u, "FLU", {}) for u in c.LandUse if u is not c.LandUse.NATIVE]
    cases += [(c.LandUse.CROPLAND, "FMG", {"tillage": t}) for t in c.Tillage if t is not c.Tillage.UNKNOWN]
    cases += [(c.LandUse.CROPLAND, "FI", {"carbon_input": i}) for i in c.CarbonInput]
    cases += [(c.LandUse.GRASSLAND, "FMG", {"grazing": g}) for g in c.GrasslandManagement]
    improved = {"grazing": c.GrasslandManagement.IMPROVED}
    cases += [
        (c.LandUse.GRASSLAND, "FI", {**improved, "carbon_input": i})
        for i in (c.CarbonInput.MEDIUM, c.CarbonInput.HIGH)
    ]
    for land_use, factor, kw in cases:
        try:
            f = stock_change_factor(factor, land_use, zone_, version=version, **kw)
        except LookupError:
            continue
        level = f.name.split(", ")[0].removeprefix(f"{factor} ")
        table.add_row(
            land_use.system, factor, level, f"{f.value:.2f}", f"{f.error_pct_95:g}", f"{ref.value * f.value:.1f}",
            "yes" if f.verified else f"[red]no[/] {f.note[:60]}",
        )  # fmt: skip
    console.print(table)


@measure_app.command("compare")
def measure_compare(
    soil_file: Annotated[
        Path, typer.Argument(help="Soil cores: CSV, Excel (.xlsx) or JSON, one row per layer.")
    ],
    treatment: Annotated[
        str, typer.Option(help="Value of the group column for the project / treatment cores.")
    ],
    control: Annotated[str, typer.Option(help="Value of the group column for the control / baseline cores.")],
    mapping: Annotated[
        str, typer.Option(help="Column mapping: a YAML file, or 'cumbria' for the bundled hedgerow layout.")
    ] = "cumbria",
    depth: Annotated[
        list[float] | None,
        typer.Option(help="Cumulative depth to report, cm; repeat for several [default: 30, 50]."),
    ] = None,
    esm_method: Annotated[
        str, typer.Option(help="natural_spline (VM0042), fmm_hyman or linear.")
    ] = "natural_spline",
    reference_mass: Annotated[
        str,
        typer.Option(
            help="ESM reference mass over the compared cores at each depth: minimum (no core extrapolated; "
            "Wendt & Hauser 2013), mean (von Haden et al. 2020, with --extrapolate) or maximum."
        ),
    ] = "minimum",
    extrapolate: Annotated[
        bool,
        typer.Option(help="Extrapolate cores that end above the reference mass (flagged in the report)."),
    ] = False,
    scheme: Annotated[
        str, typer.Option(help="Scheme profile for the credit chain (id or YAML file).")
    ] = "4p1000",
    area_ha: Annotated[
        float | None, typer.Option(help="Area of the treatment, ha: turns the ESM difference into credits.")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html, report.pdf, report.json.")
    ] = Path("results"),
    lang: Annotated[str, typer.Option(help="Language of the report: en, fr or es.")] = "en",
) -> None:
    """Compare two groups of cores (e.g. hedgerow vs control): import → stocks → equivalent soil mass →
    difference with interval → credits under a scheme → a verification report."""
    from .io import soil_import, verification_report
    from .measure import credits, esm, schemes
    from .measure.comparison import compare

    try:
        columns = soil_import.CUMBRIA_HEDGEROWS if mapping == "cumbria" else soil_import.load_mapping(mapping)
        frame = soil_import.read_soil(soil_file, columns).to_frame()
        profile = schemes.profile(scheme)
        result = compare(
            frame,
            treatment=treatment,
            control=control,
            depths_cm=depth or (30.0, 50.0),
            method=esm.Interpolation(esm_method),
            reference=esm.ReferenceMass(reference_mass),
            extrapolate=extrapolate,
        )
    except (ValueError, OSError) as e:
        _fail(e)
    table = Table(title=f"{treatment} − {control} ({result.confidence:.0%} intervals)", title_justify="left")
    for header in ("comparison", "mean t C/ha", "se", "df", "interval"):
        table.add_column(header, justify="left" if header == "comparison" else "right")
    for d in result.differences.itertuples():
        table.add_row(
            d.label,
            f"{d.mean_t_c_ha:.2f}",
            f"{d.se_t_c_ha:.2f}",
            f"{d.df:.1f}",
            f"[{d.low_t_c_ha:.2f}, {d.high_t_c_ha:.2f}]",
        )
    console.print(table)
    for note in result.dropped:
        console.print(f"[yellow]left out[/] {note}")
    lines = []
    if area_ha is not None:
        deepest = result.differences[result.differences.method == "ESM"].iloc[-1]
        estimate = credits.ChangeEstimate(
            treatment, f"{control} → {treatment}", area_ha, deepest.mean_t_c_ha, deepest.se_t_c_ha, deepest.df
        )
        lines = credits.credit_chain([estimate], profile)
        console.print(
            f"credits under {profile.id} for {area_ha:g} ha (ESM, 0–{deepest.depth_cm:g} cm): "
            f"gross {lines[0].gross_t_co2e:,.1f} → issuable [bold]{lines[0].issuable_t_co2e:,.1f} t CO2e[/]"
        )
    report = verification_report.VerificationReport(
        title=f"{soil_file.name}: {treatment} − {control}",
        scheme=profile,
        stocks=result.layers,
        changes=result.differences,
        credits=lines,
        methods=result.methods,
        notes=[f"left out: {n}" for n in result.dropped],
        confidence=result.confidence,
    )
    for path in verification_report.write(report, out, lang):
        console.print(f"wrote {path}")


@measure_app.command("credits")
def measure_credits(
    changes: Annotated[
        Path,
        typer.Argument(help="CSV: period, stratum, area_ha, change_t_c_ha — one row per sampling point."),
    ],
    scheme: Annotated[str, typer.Option(help="Scheme profile (id or YAML file).")] = "vm0042",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html, report.pdf, report.json.")
    ] = Path("results"),
    lang: Annotated[str, typer.Option(help="Language of the report: en, fr or es.")] = "en",
) -> None:
    """Measure and re-measure: paired SOC changes by stratum → stratified estimate → the scheme's credit
    chain (uncertainty deduction, leakage, buffer) → a verification report."""
    import pandas as pd

    from .io import verification_report
    from .measure import remeasurement, schemes

    try:
        profile = schemes.profile(scheme)
        result = remeasurement.credit(pd.read_csv(changes), profile)
    except (ValueError, OSError) as e:
        _fail(e)
    table = Table(title=f"Credits under {profile.name}", title_justify="left")
    for header in ("period", "stratum", "ha", "Δ t C/ha", "kept t C/ha", "gross", "− uncertainty", "− leakage",
                   "− buffer", "issuable t CO2e"):  # fmt: skip
        table.add_column(header, justify="left" if header in ("period", "stratum") else "right")
    for c in result.lines:
        table.add_row(
            c.period, c.stratum, f"{c.area_ha:,.0f}", f"{c.mean_t_c_ha:.3f} ± {c.se_t_c_ha:.3f}",
            f"{c.conservative_t_c_ha:.3f}", f"{c.gross_t_co2e:,.1f}", f"{c.uncertainty_deduction_t_co2e:,.1f}",
            f"{c.leakage_t_co2e:,.1f}", f"{c.buffer_t_co2e:,.1f}", f"{c.issuable_t_co2e:,.1f}",
            style="bold" if c.stratum == remeasurement.PROJECT else None,
        )  # fmt: skip
    console.print(table)
    for note in result.notes:
        console.print(f"[yellow]note[/] {note}")
    project = [c for c in result.lines if c.stratum == remeasurement.PROJECT]
    report = verification_report.VerificationReport(
        title=changes.name,
        scheme=profile,
        stocks=None,
        changes=result.estimates,
        credits=project,
        stratum_credits=[c for c in result.lines if c.stratum != remeasurement.PROJECT],
        methods={
            "estimator": "stratified (STSI) mean, variance without finite-population correction, Satterthwaite df",
        },
        notes=result.notes,
    )
    for path in verification_report.write(report, out, lang):
        console.print(f"wrote {path}")


Scheduler = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask distributed scheduler (tcp://host:port); default local."),
]


def _grid_compute(
    dataset, *, years, increases, members, seed, out: Path, scheduler, zones=None, depth_cm=None,
    gsocseq=False, scripts_numerics=False, zones_outside="outside every zone",
):  # fmt: skip
    """Run the pipeline lazily, compute it with a progress bar, write NetCDF, Zarr, COGs and zonal tables
    (with ``gsocseq``, also the official GSOCseq product set: :func:`permille.grid.gsocseq.products`; with
    ``scripts_numerics``, that set again with the R scripts' numerics, beside it, for comparison only)."""
    import pandas as pd
    from dask.diagnostics import ProgressBar

    from .grid import io as grid_io
    from .grid import pipeline, summary, zonal

    depth = pipeline.DEPTH_CM if depth_cm is None else depth_cm
    lazy = pipeline.run(
        dataset,
        years=years,
        increases=increases,
        members=members,
        seed=seed,
        depth_cm=depth,
        envelope=gsocseq,
        bau_input="warmup-mean" if gsocseq else "anchored",  # GSOCseq: the warm-up's mean input (Cin_mean)
    )
    synthetic = summary.is_synthetic(dataset)
    mark = f"{summary.SYNTHETIC_LABEL}: " if synthetic else ""
    console.print(
        f"{mark}grid {dataset.sizes['y']} × {dataset.sizes['x']}, {len(lazy.data_vars)} output layers, "
        f"{years} years, increases {', '.join(f'{f:.0%}' for f in increases)}, {members} uncertainty members"
    )
    if scheduler:
        from distributed import Client, progress

        with Client(scheduler) as client:
            future = client.compute(lazy)
            progress(future)
            result = future.result()
    else:
        with ProgressBar(minimum=0.5):
            result = lazy.compute()
    named = lambda name: out / summary.file_name(name, synthetic)  # noqa: E731
    out.mkdir(parents=True, exist_ok=True)
    written = [
        grid_io.write_netcdf(result, named("potential.nc")),
        grid_io.write_zarr(result, named("potential.zarr")),
    ]
    highest = max(increases)
    for name in ("soc_t0", "soc_bau", f"diff_ssm_{pipeline._label(highest)}", "rate_bau"):
        layer = result[name]
        long_name = f"{mark}{layer.long_name}"
        written.append(grid_io.write_cog(layer, named(f"{name}.tif"), units=layer.units, long_name=long_name))
    if zones is not None:
        ids = summary.zone_ids(zones, result["soc_t0"], zones_outside)
        tables = []
        for name in ("soc_t0", "soc_bau", f"diff_ssm_{pipeline._label(highest)}"):
            sd = result.get(f"{name}_sd")
            table = zonal.zonal_stats(result[name], ids, sd_t_c_ha=sd)
            tables.append(table.assign(layer=name))
        table = pd.concat(tables)
        if synthetic:
            table = table.assign(data=summary.SYNTHETIC_LABEL)
        table.to_csv(named("zonal.csv"))
        written.append(named("zonal.csv"))
        in_words = {
            "soc_t0": "SOC stock at t0",
            "soc_bau": f"SOC stock after {years} years, BAU",
            f"diff_ssm_{pipeline._label(highest)}": f"SSM (input +{highest:.0%}) − BAU after {years} years",
        }
        rows, empty = summary.console_rows(table, in_words)
        printed = Table(
            "zone", "layer", "modelled area", "total, Mt C", "mean, t C/ha", title=f"{mark}zonal statistics"
        )
        for row in rows:
            printed.add_row(*row)
        console.print(printed)
        if empty:
            zones_named = len(ids.attrs["zone_names"]) - 1
            listed = ", ".join(empty) if len(empty) <= 10 else f"{len(empty)} of the {zones_named} zones"
            console.print(
                f"no modelled cell in {listed} (outside the grid, or no data there)", highlight=False
            )
    modelled = int(result["soc_bau"].notnull().sum())
    diff = result[f"diff_ssm_{pipeline._label(highest)}"]
    console.print(
        f"{mark}{modelled:,} pixels modelled; mean SOC t0 {float(result['soc_t0'].mean()):.1f} t C/ha; "
        f"+{highest:.0%} input adds {float(diff.mean()):.2f} t C/ha on average after {years} years",
        highlight=False,
    )
    if gsocseq:
        written += _write_gsocseq(result, dataset["land_cover"], named("gsocseq"), mark)
    if scripts_numerics:
        scripts = pipeline.run(
            dataset,
            years=years,
            increases=increases,
            depth_cm=depth,
            envelope=True,
            numerics="gsocseq-scripts",
            bau_input="warmup-mean",
        ).compute()
        written += _write_gsocseq(scripts, dataset["land_cover"], named("gsocseq-scripts-numerics"), mark)
    for path in written:
        console.print(f"wrote {path}")


def _write_gsocseq(result, land_cover, folder: Path, mark: str = "") -> list[Path]:
    """The official GSOCseq products as GeoTIFFs (official names and units) and one NetCDF in ``folder``;
    ``mark`` ("SYNTHETIC — not real data: ") starts every long name and the NetCDF's comment."""
    from .grid import gsocseq
    from .grid import io as grid_io

    official = gsocseq.products(result, land_cover.compute())
    if mark:
        official.attrs["comment"] = mark.rstrip(": ")
    folder.mkdir(parents=True, exist_ok=True)
    written = [grid_io.write_netcdf(official, folder / "GSOCseq_products.nc")]
    for name, layer in official.data_vars.items():
        long_name = f"{mark}{layer.long_name}"
        written.append(
            grid_io.write_cog(layer, folder / f"{name}.tif", units=layer.units, long_name=long_name)
        )
    return written


@grid_app.command("demo")
def grid_demo(
    ny: Annotated[int, typer.Option(help="Rows of the synthetic grid.")] = 72,
    nx: Annotated[int, typer.Option(help="Columns of the synthetic grid.")] = 96,
    chunks: Annotated[int, typer.Option(help="Pixels per chunk side.")] = 24,
    years: Annotated[int, typer.Option(help="Years of the forward run.")] = 20,
    members: Annotated[int, typer.Option(help="Uncertainty members (0 = none).")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("results/grid-demo"),
    zone_kind: Annotated[
        str, typer.Option("--zones", help="Zonal statistics by 'regions' or 'countries'.")
    ] = "regions",
    scheduler: Scheduler = None,
) -> None:
    """The pipeline on a SYNTHETIC grid (clearly labelled, for trying it offline, spanning Europe and
    Africa), with zonal statistics by the Initiative's regions and by country (bundled boundaries)."""
    from .grid.pipeline import SSM_INCREASES
    from .grid.summary import OUTSIDE
    from .grid.synthetic import synthetic_grid
    from .grid.zonal import builtin_zones

    dataset = synthetic_grid(ny, nx, chunks=chunks)
    zones = builtin_zones(zone_kind)
    _grid_compute(
        dataset,
        years=years,
        increases=SSM_INCREASES,
        members=members,
        seed=0,
        out=out,
        scheduler=scheduler,
        zones=zones,
        zones_outside=OUTSIDE[zone_kind],
    )


@grid_app.command("run")
def grid_run(
    config: Annotated[Path, typer.Argument(help="Grid configuration (YAML); see permille.io.grid_config.")],
    scheduler: Scheduler = None,
    gsocseq: Annotated[
        bool,
        typer.Option(
            "--gsocseq",
            help="Also write the official FAO GSOCseq product set (names, units, min/max uncertainty) in "
            "<output>/gsocseq; needs the official 20 years and increases 0.05, 0.10, 0.20.",
        ),
    ] = False,
    scripts_numerics: Annotated[
        bool,
        typer.Option(
            "--scripts-numerics",
            help="With --gsocseq: also write the products computed with the GSOCseq R scripts' numerics "
            "(SoilR temperature function, Euler steps) in <output>/gsocseq-scripts-numerics, for "
            "side-by-side comparison only.",
        ),
    ] = False,
) -> None:
    """Sequestration-potential maps from real rasters: T0 anchoring, BAU and +x % input scenarios, optional
    uncertainty; writes CF NetCDF, Zarr, COGs and zonal tables."""
    import json

    from .grid import io as grid_io
    from .grid import zonal
    from .grid.summary import OUTSIDE, SYNTHETIC_LABEL
    from .io.grid_config import read_config

    try:
        cfg = read_config(config)
        if scripts_numerics and not gsocseq:
            raise ValueError(
                "--scripts-numerics: give it with --gsocseq (it writes a second GSOCseq product set)"
            )
        if gsocseq and (cfg.years != 20 or tuple(cfg.increases) != (0.05, 0.10, 0.20)):
            raise ValueError(
                f"--gsocseq: the official products are for 20 years and increases [0.05, 0.1, 0.2]; the "
                f"configuration has years {cfg.years}, increases {list(cfg.increases)}"
            )
        dataset = grid_io.open_inputs(cfg.inputs, chunks=cfg.chunks, resampling=cfg.resampling)
        if cfg.synthetic:  # every output is marked (file names, tags, CSV column, console)
            dataset.attrs["comment"] = SYNTHETIC_LABEL
        if cfg.zones in zonal.BUILTIN_ZONES:
            zones = zonal.builtin_zones(cfg.zones)
        else:
            zones = (json.loads(Path(cfg.zones).read_text()), "name") if cfg.zones else None
        _grid_compute(
            dataset, years=cfg.years, increases=cfg.increases, members=cfg.members, seed=cfg.seed,
            out=cfg.output, scheduler=scheduler, zones=zones, depth_cm=cfg.depth_cm, gsocseq=gsocseq,
            scripts_numerics=scripts_numerics, zones_outside=OUTSIDE.get(cfg.zones, "outside every zone"),
        )  # fmt: skip
    except (ValueError, OSError, KeyError) as e:
        _fail(e)


@grid_app.command("atlas")
def grid_atlas(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("results/atlas"),
    resolution: Annotated[float, typer.Option(help="Cell size of the global synthetic grid, degrees.")] = 0.5,
    years: Annotated[int, typer.Option(help="Years of the forward run.")] = 20,
    members: Annotated[int, typer.Option(help="Uncertainty members (≥ 2).")] = 12,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic grid and of the draws.")] = 0,
    warmup_years: Annotated[int, typer.Option(help="Years of year-to-year climate before the start.")] = 10,
    start_year: Annotated[int, typer.Option(help="Calendar year of the start of the forward run.")] = 2020,
) -> None:
    """The monitoring tables of the dashboard: the pipeline on a global SYNTHETIC grid, zonal statistics by
    country, region and the world, with yearly trajectories (writes zone_statistics.csv and .json; the
    defaults regenerate the bundled permille/data/monitoring tables)."""
    from .grid import atlas

    params = atlas.AtlasParameters(
        resolution_deg=resolution, years=years, members=members, seed=seed, warmup_years=warmup_years,
        start_year=start_year,
    )  # fmt: skip
    try:
        table, metadata = atlas.atlas_table(params)
    except ValueError as e:
        _fail(e)
    from .grid.summary import SYNTHETIC_LABEL

    for path in atlas.write_atlas(table, metadata, out):
        console.print(f"{SYNTHETIC_LABEL}: wrote {path}", highlight=False)


@app.command()
def validate(
    pairs: Annotated[
        Path, typer.Argument(help="CSV with columns 'predicted' and 'observed' (same units, e.g. t C/ha).")
    ],
    alpha: Annotated[float, typer.Option(help="Level of the bias test (VMD0053 uses 0.10).")] = 0.10,
) -> None:
    """Validate model predictions against measurements: bias with interval, RMSE, modelling efficiency, r,
    and a VMD0053-style bias test (mean error not different from zero)."""
    import pandas as pd

    from .measure.validation import validate as validation

    try:
        table = pd.read_csv(pairs)
        missing = {"predicted", "observed"} - set(table.columns)
        if missing:
            raise ValueError(f"{pairs}: missing column(s) {', '.join(sorted(missing))}")
        v = validation(table.predicted, table.observed, alpha=alpha)
    except (OSError, ValueError) as e:
        _fail(e)
    console.print(
        f"n = {v.n}; bias {v.bias:+.3f} [{v.bias_low:+.3f}, {v.bias_high:+.3f}] ({100 * (1 - alpha):g} % interval); "
        f"RMSE {v.rmse:.3f} ({v.rrmse_pct:.1f} %); efficiency {v.efficiency:.3f}; r {v.r:.3f}"
    )
    verdict = "[green]passes[/]" if v.passes_bias_test else "[red]fails[/]"
    console.print(f"bias test: t = {v.t:.3f}, p = {v.p:.3f} → {verdict} at alpha = {alpha:g}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")] = Path("results"),
) -> None:
    """Run the bundled official RothC example (Rothamsted Hoosfield, 1939–2007) and write tables and a plot."""
    with as_file(EXAMPLE) as path:
        _run_file(path, out, "official", plot=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Also load the demo records and one demo account per role (published passwords, printed "
            "below); refused on a deployment (PERMILLE_ENV=production or PostgreSQL).",
        ),
    ] = False,
    demo_layers: Annotated[
        bool,
        typer.Option(
            help="Show the SYNTHETIC atlas layers (demonstration data) where no real one is loaded."
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (uvicorn workers); more than one needs PostgreSQL.")
    ] = 1,
    toolkit_workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Toolkit calculation processes per server process (default: $PERMILLE_TOOLKIT_WORKERS, "
            "else CPU cores − 1; 0: threads of the server process).",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted (comma-separated addresses "
            "or networks, '*' for any; default: $FORWARDED_ALLOW_IPS, else 127.0.0.1): the sign-in limit "
            "then counts the client's address, not the proxy's.",
        ),
    ] = None,
) -> None:
    """Serve the platform (API under /api, web pages at /) on the registry database: PERMILLE_DATABASE_URL,
    else the SQLite file $PERMILLE_HOME/permille.db (~/.permille), created, migrated and seeded on first run."""
    import uvicorn

    from .api import serving
    from .api.app import create_app
    from .registry.db import database_url, make_engine
    from .registry.deployment import DeploymentRefused
    from .registry.seed import DEMO_ACCOUNTS
    from .toolkit import pool

    url = database_url()
    if workers > 1 and not url.startswith("postgresql"):
        _fail(
            ValueError(
                f"--workers {workers} needs PostgreSQL (PERMILLE_DATABASE_URL=postgresql+psycopg://…): "
                "the SQLite registry has one writer at a time and no cross-process change events; "
                "serve it with one worker"
            )
        )
    engine = make_engine(url)
    console.print(f"registry: {engine.url.render_as_string(hide_password=True)}", highlight=False)
    try:
        application = create_app(
            engine,
            demo=demo,
            demo_layers=demo_layers,
            toolkit_workers=toolkit_workers,
            start_toolkit=True,
            scheduler=True,  # the daily digest and reminders (PERMILLE_DAILY_HOUR)
        )
    except DeploymentRefused as e:
        _fail(e)
    if demo_layers:
        console.print("monitoring: SYNTHETIC demonstration layers shown where no real dataset is loaded")
    if (toolkit_workers if toolkit_workers is not None else pool.default_size()) == 0:
        console.print(
            "toolkit: calculations run in the server's threads (--toolkit-workers 0): no CPU budget, and a "
            "calculation whose client hung up runs to its end; give 1 or more worker processes in production"
        )
    address = f"http://{host}:{port}"
    console.print(
        f"serving the platform at {address}/ (API: {address}/docs, documentation: {address}/help)",
        highlight=False,
    )
    for email, role, password in DEMO_ACCOUNTS if demo else ():
        console.print(f"demo account ({role}): {email} / {password}", highlight=False)
    options = serving.uvicorn_options(host, port, forwarded_allow_ips)
    serving.raise_file_limit()  # the worker processes inherit it
    if workers == 1:
        application.state.help.prepare()  # the documentation at /help, built once into $PERMILLE_HOME/help
        uvicorn.run(application, **options)
        return
    # migrated and seeded once above; each worker process builds its own app from the environment
    os.environ |= {
        "PERMILLE_DATABASE_URL": url,
        "PERMILLE_SEED": "0",
        "PERMILLE_DEMO": str(int(demo)),
        "PERMILLE_DEMO_LAYERS": str(int(demo_layers)),
    }
    if toolkit_workers is not None:
        os.environ["PERMILLE_TOOLKIT_WORKERS"] = str(toolkit_workers)
    del application
    engine.dispose()
    factory = "permille.api.app:app_from_env"
    # a worker importing the app on a loaded machine answers uvicorn's health check late: wait a minute
    uvicorn.run(factory, factory=True, workers=workers, timeout_worker_healthcheck=60, **options)


toolkit_app = typer.Typer(
    help="The online toolkit's calculators from a JSON input, as the API runs them (permille.toolkit).",
    no_args_is_help=True,
)
app.add_typer(toolkit_app, name="toolkit")
ToolkitCalculator = Annotated[str, typer.Argument(help="rothc, balance, sampling or credits.")]
TOOLKIT_INPUTS = {
    "rothc": "RothcScenarioIn",
    "balance": "BalanceIn",
    "sampling": "SamplingIn",
    "credits": "CreditsIn",
}


@toolkit_app.command("example")
def toolkit_example(calculator: ToolkitCalculator) -> None:
    """Print the filled example input of a calculator (JSON), a start for ``permille toolkit run``."""
    import json

    from .toolkit.examples import EXAMPLES

    if calculator not in TOOLKIT_INPUTS:
        _fail(ValueError(f"unknown calculator {calculator!r}; one of {', '.join(TOOLKIT_INPUTS)}"))
    print(json.dumps(EXAMPLES[calculator](), ensure_ascii=False, indent=2))


@toolkit_app.command("run")
def toolkit_run(
    calculator: ToolkitCalculator,
    input_file: Annotated[Path, typer.Argument(help="The input, JSON (as the API's request body).")],
    fmt: Annotated[str, typer.Option("--format", help="json, csv or pdf (balance, credits).")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of printing.")] = None,
) -> None:
    """Run a toolkit calculator on a JSON input, within the API's limits per request (every problem listed)."""
    import json

    from pydantic import ValidationError

    from .toolkit import schemas
    from .toolkit.answers import Refused
    from .toolkit.calculators import CALCULATORS

    if calculator not in TOOLKIT_INPUTS:
        _fail(ValueError(f"unknown calculator {calculator!r}; one of {', '.join(TOOLKIT_INPUTS)}"))
    if fmt not in ("json", "csv", "pdf") or (fmt == "pdf" and calculator not in ("balance", "credits")):
        _fail(
            ValueError(
                f"--format {fmt}: {calculator} answers json or csv"
                + (", pdf" if calculator in ("balance", "credits") else "")
            )
        )
    try:
        body = getattr(schemas, TOOLKIT_INPUTS[calculator]).model_validate_json(input_file.read_bytes())
        answer = CALCULATORS[calculator](body, fmt)
    except (OSError, ValidationError) as e:
        _fail(e)
    except Refused as e:
        _fail(ValueError("; ".join([e.message] + [d["message"] for d in e.details])))
    content = (
        answer.content
        if answer.data is None
        else json.dumps(answer.data, ensure_ascii=False, indent=2).encode()
    )
    if out is None and fmt == "pdf":
        _fail(ValueError("a PDF needs --out"))
    if out is None:
        sys.stdout.write(content.decode("utf-8") + "\n")
    else:
        out.write_bytes(content)
        console.print(f"wrote {out}", highlight=False)


users_app = typer.Typer(
    help="Accounts of the registry (PERMILLE_DATABASE_URL, else $PERMILLE_HOME/permille.db).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _registry_sessions():
    """Sessions on the registry database, migrated to the newest revision."""
    from .registry.db import database_url, make_engine, migrate, session_factory

    engine = make_engine(database_url())
    migrate(engine)
    return session_factory(engine)


@users_app.command("create-admin")
def users_create_admin(
    email: Annotated[str, typer.Option(help="E-mail of the account (its sign-in name).")],
    name: Annotated[str, typer.Option(help="Name shown for the account.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Make a Secretariat account (every permission): the first real account of a deployment. The password
    is asked twice (hidden), or read from stdin; it must pass the password policy (12+ characters, not easy
    to guess)."""
    from .registry import service

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    payload = {"email": email, "name": name, "role": "secretariat", "password": password}
    with _registry_sessions()() as session:
        try:
            user = service.create(session, "users", payload, service.SYSTEM)
        except service.RegistryError as e:
            _fail(e)
    console.print(f"created the Secretariat account {user.email} (id {user.id})", highlight=False)


@users_app.command("deactivate-demo")
def users_deactivate_demo() -> None:
    """Deactivate every demo account (also one renamed since it was seeded) and give it a random password,
    so that a deployment starts; audited, and their tokens are revoked."""
    import secrets

    from .registry import service
    from .registry.seed import demo_accounts

    with _registry_sessions()() as session:
        for user in demo_accounts(session):
            if user.active:
                patch = {"active": False, "password": secrets.token_urlsafe(24)}
                service.update(session, "users", user.id, patch, service.SYSTEM)
                console.print(f"deactivated the demo account {user.email}", highlight=False)


if __name__ == "__main__":
    app()


# --- the layer catalogue and the atlas from it -----------------------------------------------------------


def _catalogue():
    from .catalogue import items

    try:
        return items.load()
    except items.CatalogueError as e:
        _fail(e)


@data_app.command("list")
def data_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the layers as JSON.")] = False,
) -> None:
    """Every catalogue layer (bundled and in $PERMILLE_HOME/layers): source, licence, units, resolution."""
    import json

    layers = _catalogue()
    if as_json:
        typer.echo(json.dumps([layer.summary() for layer in layers.values()], indent=1, ensure_ascii=False))
        return
    table = Table(title=f"{len(layers)} layer(s) in the catalogue")
    for column in (
        "id",
        "variable",
        "title",
        "source",
        "licence",
        "units",
        "resolution",
        "depth",
        "synthetic",
    ):
        table.add_column(column, overflow="fold")
    for layer in layers.values():
        p = layer.properties
        depth = f"{p.depth_cm[0]:g}–{p.depth_cm[1]:g} cm" if p.depth_cm else "—"
        table.add_row(
            layer.id, p.variable, p.title, p.source, p.license, p.units, p.resolution, depth,
            "[red]yes[/]" if p.synthetic else "no",
        )  # fmt: skip
    console.print(table)
    if not layers:
        console.print("no layer yet: add one with [bold]permille data add <file> --variable …[/]")


@data_app.command("show")
def data_show(layer_id: Annotated[str, typer.Argument(help="The layer's catalogue id.")]) -> None:
    """One layer's STAC item (JSON)."""
    import json

    layers = _catalogue()
    if layer_id not in layers:
        _fail(ValueError(f"no layer {layer_id!r}; see permille data list"))
    layer = layers[layer_id]
    console.print(f"{layer.folder / 'item.json'}{' (bundled)' if layer.bundled else ''}", highlight=False)
    console.print_json(json.dumps(layer.item.stac(), ensure_ascii=False))


def _depth(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    top, _, bottom = text.partition("-")
    try:
        return float(top), float(bottom)
    except ValueError:
        raise ValueError(f"--depth {text!r}: expected top-bottom in cm, e.g. 0-30") from None


@data_app.command("add")
def data_add(
    files: Annotated[list[Path], typer.Argument(help="The layer's file(s): one, or WorldClim's 12 months.")],
    variable: Annotated[
        str, typer.Option(help="soc_stock, soc_stock_uncertainty, clay, tmp, pre, pet, land_cover…")
    ],
    source: Annotated[str, typer.Option(help="One citation line (authors, year, title, DOI or URL).")],
    license: Annotated[str, typer.Option("--license", help="Licence (SPDX id, e.g. CC-BY-4.0).")],
    units: Annotated[str, typer.Option(help="Units of the file's values (e.g. 't C ha-1', g/kg, mm/day).")],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="Reader: gsocmap, soilgrids, worldclim, cru, esacci, modis."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the file name).")] = None,
    description: Annotated[str, typer.Option(help="Description.")] = "",
    version: Annotated[str, typer.Option(help="The dataset's version.")] = "unknown",
    layer_id: Annotated[
        str | None, typer.Option("--id", help="Catalogue id (default from the file name).")
    ] = None,
    depth: Annotated[str | None, typer.Option(help="Depth interval, cm: top-bottom (e.g. 0-30).")] = None,
    item_datetime: Annotated[
        str | None, typer.Option("--datetime", help="Date of the data (ISO 8601).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Start of the period the data cover (ISO 8601).")] = None,
    end: Annotated[str | None, typer.Option(help="End of the period the data cover (ISO 8601).")] = None,
    doi: Annotated[str | None, typer.Option(help="DOI of the dataset.")] = None,
    uncertainty_of: Annotated[
        str | None, typer.Option(help="This layer is the uncertainty of that (added) layer.")
    ] = None,
    link: Annotated[bool, typer.Option(help="Symlink the files instead of copying them.")] = False,
) -> None:
    """Add a layer: copy its file(s) into $PERMILLE_HOME/layers/<id>/, inspect CRS, extent, resolution and
    nodata, check its reader reads it, and write its STAC item with checksums and the date added."""
    from .catalogue.add import add_layer
    from .catalogue.items import CatalogueError

    try:
        layer = add_layer(
            files, variable=variable, source=source, license=license, units=units, title=title,
            description=description, version=version, layer_id=layer_id, file_format=file_format,
            depth_cm=_depth(depth), item_datetime=item_datetime, start_datetime=start, end_datetime=end,
            doi=doi, uncertainty_of=uncertainty_of, link=link,
        )  # fmt: skip
    except (CatalogueError, ValueError, OSError) as e:
        _fail(e)
    p = layer.properties
    console.print(
        f"added {layer.id} ({p.variable}, {p.units}, {p.resolution}) in {layer.folder}", highlight=False
    )


@data_app.command("verify")
def data_verify(
    layer_ids: Annotated[list[str] | None, typer.Argument(help="Layers to verify (default: all).")] = None,
) -> None:
    """Check every file of the layers against its checksum (exit status 1 on any problem)."""
    from .catalogue.items import verify

    layers = _catalogue()
    unknown = sorted(set(layer_ids or []) - set(layers))
    if unknown:
        _fail(ValueError(f"no layer(s) {', '.join(unknown)}"))
    problems = []
    for layer_id in layer_ids or list(layers):
        found = verify(layers[layer_id])
        problems += found
        console.print(f"{layer_id}: {'[red]FAILED[/]' if found else '[green]ok[/]'}")
    for problem in problems:
        console.print(f"[red]{problem}[/]", highlight=False)
    if problems:
        raise typer.Exit(1)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        west, south, east, north = (float(v) for v in parts)
    except ValueError:
        raise ValueError(f"--bbox {text!r}: expected west,south,east,north in degrees") from None
    return west, south, east, north


def _choices(texts: list[str] | None) -> dict[str, str]:
    chosen = {}
    for text in texts or []:
        variable, sep, layer_id = text.partition("=")
        if not sep:
            raise ValueError(f"--layer {text!r}: expected variable=layer_id")
        chosen[variable] = layer_id
    return chosen


@atlas_app.command("build")
def atlas_build(
    from_catalogue: Annotated[
        bool, typer.Option("--from-catalogue", help="Build from the catalogue's real layers (required).")
    ] = False,
    bbox: Annotated[str | None, typer.Option(help="Extent west,south,east,north (degrees).")] = None,
    country: Annotated[str | None, typer.Option(help="Extent of one country (ISO 3166-1 alpha-3).")] = None,
    resolution: Annotated[float, typer.Option(help="Cell size of the atlas grid, degrees.")] = 0.5,
    years: Annotated[int, typer.Option(help="Years of the forward run.")] = 20,
    members: Annotated[int, typer.Option(help="Uncertainty members (≥ 2).")] = 12,
    seed: Annotated[int, typer.Option(help="Seed of the uncertainty draws.")] = 0,
    start_year: Annotated[int, typer.Option(help="Calendar year of the T0 stock.")] = 2020,
    layer: Annotated[
        list[str] | None, typer.Option(help="Choose a layer for a variable: variable=layer_id (repeatable).")
    ] = None,
    climate_period: Annotated[
        str | None, typer.Option(help="Years of CRU TS climatologies, first-last (default: all).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default $PERMILLE_HOME/atlas/<dataset>)."),
    ] = None,
    load: Annotated[bool, typer.Option(help="Load the table into the registry database.")] = False,
) -> None:
    """Rebuild the dashboard's zone statistics from the real catalogue layers: read, clip, resample onto
    the atlas grid, run the pipeline, zonal statistics; writes zone_statistics.csv and its provenance JSON
    (dataset atlas-<hash>, synthetic false). Says which layer is missing and what to add."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .catalogue.items import CatalogueError
    from .grid import atlas, build, readers
    from .registry import zones

    if not from_catalogue:  # the real default atlas from the bundled layers
        _real_atlas_build(out, years=years, members=members, seed=seed, start_year=start_year, load=load)
        return
    try:
        period = tuple(int(v) for v in climate_period.split("-")) if climate_period else None
        params = build.BuildParameters(
            resolution_deg=resolution, bbox=_bbox(bbox), country=country, years=years, members=members,
            seed=seed, start_year=start_year, climate_period=period,
        )  # fmt: skip
        layers = _catalogue()
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console) as progress:  # fmt: skip
            task = progress.add_task("atlas build", total=build.steps(params))
            table, metadata = build.build_atlas(
                layers, params, chosen=_choices(layer),
                on_step=lambda text: progress.update(task, advance=1, description=text),
            )  # fmt: skip
    except (build.MissingLayersError, readers.LayerReadError, CatalogueError, ValueError, OSError) as e:
        _fail(e)
    folder = out or zones.dataset_folder(metadata["dataset"])
    for path in atlas.write_atlas(table, metadata, folder):
        console.print(f"wrote {path}", highlight=False)
    console.print(f"dataset {metadata['dataset']}: {len(table)} rows, levels {', '.join(metadata['levels'])}")
    if load:
        _atlas_load(folder, replace=True)


def _real_atlas_build(
    out: Path | None, *, years: int, members: int, seed: int, start_year: int, load: bool
) -> None:
    """``permille atlas build`` without --from-catalogue: the real default atlas (stocks, Tier 1, 4‰, debt,
    GSOCseq potential) from the bundled layers, into ``$PERMILLE_HOME/atlas/real-default`` (what the
    server shows instead of the bundled precomputed copy)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .grid import real_atlas

    params = real_atlas.Parameters(years=years, members=max(members, 10), seed=seed, start_year=start_year)
    from .registry.real_atlas import home_folder

    folder = out or home_folder()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:  # fmt: skip
        task = progress.add_task("real atlas build", total=real_atlas.steps(params))
        metadata = real_atlas.build(
            folder, params, on_step=lambda text: progress.update(task, advance=1, description=text)
        )
    console.print(
        f"wrote {folder} (dataset {metadata['dataset']}, {metadata['build_seconds']} s)", highlight=False
    )
    if load:
        _atlas_load(folder / real_atlas.MONITORING, replace=True)


def _atlas_load(folder: Path, *, replace: bool) -> None:
    from .registry import zones
    from .registry.db import database_url, make_engine, migrate, session_factory

    engine = make_engine(database_url())
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            name, rows = zones.load_folder(session, folder, replace=replace)
            session.commit()
    except (ValueError, OSError, KeyError) as e:
        _fail(e)
    finally:
        engine.dispose()
    console.print(
        f"loaded {rows} rows of dataset {name} into {engine.url.render_as_string(hide_password=True)}"
    )


@atlas_app.command("load")
def atlas_load(
    folder: Annotated[Path, typer.Argument(help="A folder written by permille atlas build.")],
    replace: Annotated[
        bool, typer.Option(help="Replace the dataset's rows if it is loaded already.")
    ] = False,
) -> None:
    """Load a built atlas dataset into the registry database's zone_statistic table."""
    _atlas_load(folder, replace=replace)


# --- e-mail: the outbox and the queue -------------------------------------------------------------------------

mail_app = typer.Typer(
    help="The platform's e-mail: the outbox folder ($PERMILLE_HOME/outbox, used without PERMILLE_SMTP_URL) "
    "and the queue of messages to send.",
    no_args_is_help=True,
)
app.add_typer(mail_app, name="mail")


@mail_app.command("outbox")
def mail_outbox(
    show: Annotated[str | None, typer.Option(help="Print this message (its file name) in full.")] = None,
) -> None:
    """List the messages of the outbox folder, newest first (date, recipient, subject, file name)."""
    from .mail import outbox
    from .mail.transport import outbox_folder

    folder = outbox_folder()
    if show:
        message = outbox.read(folder, show)
        if message is None:
            _fail(f"no message {show} in {folder}")
        console.print(
            f"To: {message['to']}\nSubject: {message['subject']}\n\n{message['text']}", highlight=False
        )
        return
    messages = outbox.listing(folder)
    for m in messages:
        console.print(f"{m['date']}  {m['to']}  {m['subject']}  {m['id']}", highlight=False, soft_wrap=True)
    console.print(f"{len(messages)} message(s) in {folder}", highlight=False)


@mail_app.command("send")
def mail_send(
    retry_failed: Annotated[
        bool, typer.Option(help="Put the failed messages back in the queue first.")
    ] = False,
) -> None:
    """Send the due messages of the queue now (the server also does every 30 s)."""
    from .mail import queue, transport

    with _registry_sessions()() as session:
        if retry_failed:
            console.print(f"{queue.retry_failed(session)} failed message(s) queued again", highlight=False)
        counts = queue.deliver_due(session, transport.from_env(), transport.sender())
    console.print(
        f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}", highlight=False
    )


# --- notifications of the workflows (docs/workflows.md) -------------------------------------------------------

notifications_app = typer.Typer(
    help="Notifications of the workflows: the daily digest and the event reminders.", no_args_is_help=True
)
app.add_typer(notifications_app, name="notifications")
PublicUrl = Annotated[
    str, typer.Option(envvar="PERMILLE_PUBLIC_URL", help="The platform's address, for the links.")
]


def _daily(job: str, public_url: str, what: str) -> None:
    """Run a daily job for today (UTC) unless a server's scheduler or another run claimed it already."""
    from .registry import orm, schedule

    day = orm.utcnow().date()
    with _registry_sessions()() as session:
        count = schedule.run_daily(session, job, day, public_url)
    if count is None:
        console.print(f"{job} of {day}: already done or running elsewhere (scheduled_run)", highlight=False)
    else:
        console.print(f"{count} {what}", highlight=False)


@notifications_app.command("digest")
def notifications_digest(public_url: PublicUrl) -> None:
    """Queue one e-mail per user with the notifications they chose to get as a daily digest — once a day:
    run it daily from cron, or let ``permille serve`` do it (PERMILLE_DAILY_HOUR); the server sends the
    queue."""
    _daily("digest", public_url, "digest(s) queued")


@notifications_app.command("reminders")
def notifications_reminders(public_url: PublicUrl) -> None:
    """Remind the users registered for an event of today or tomorrow (UTC), once each — daily, like the
    digest."""
    _daily("reminders", public_url, "reminder(s) sent")


if __name__ == "__main__":
    app()


# --- monitoring (what the monitoring pages show) ---------------------------------------------------------

monitoring_app = typer.Typer(
    help="What the monitoring pages show, from the registry (PERMILLE_DATABASE_URL, else $PERMILLE_HOME).",
    no_args_is_help=True,
)
app.add_typer(monitoring_app, name="monitoring")


@monitoring_app.command("country")
def monitoring_country(
    iso3: Annotated[str, typer.Argument(help="The country's ISO 3166-1 alpha-3 code, e.g. FRA.")],
    lang: Annotated[str, typer.Option(help="Language of the text: en, fr or es.")] = "en",
    demo_layers: Annotated[
        bool, typer.Option(help="Show the SYNTHETIC atlas layers (demonstration data) where no real one is.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the answer of the API as JSON.")] = False,
) -> None:
    """Print a country's monitoring page as the public sees it: sentences, modelled scenarios, measured
    stocks over time, sites, IPCC Tier 1 reference stocks, missing layers, caveats and sources, and its NDC
    content and FAOSTAT cropland and grassland areas. The seed catalogues are loaded first when missing (as
    `permille serve` does); --json prints the monitoring answer of the API."""
    import json

    from . import i18n
    from .monitoring import country, report
    from .registry import parties, real_atlas, seed, service, zones

    if lang not in report.LANGUAGES:
        _fail(ValueError(f"--lang: {lang!r} is not one of {', '.join(report.LANGUAGES)}"))
    with _registry_sessions()() as session:
        seed.seed(session)
        if demo_layers:
            zones.load_bundled(session)
        else:  # the real default atlas, as `permille serve` loads it
            real_atlas.load_default(session)
        session.commit()
        try:
            answer = i18n.localized(country.country(session, None, iso3.upper(), demo=demo_layers), lang)
        except service.NotFound as e:
            _fail(e)
        ndc = parties.country(session, None, iso3.upper())
    if json_output:
        print(json.dumps(answer, ensure_ascii=False, indent=1))
    else:
        print(report.country_text(answer, lang) + report.ndc_text(ndc, lang), end="")


@monitoring_app.command("sites-validation")
def monitoring_sites_validation(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the rows and the summary as JSON.")
    ] = False,
) -> None:
    """Print the mapped 0–30 cm stock (Sanderman et al. 2017, 2010) against every registry site with a
    measured stock, as the public sees them: n, bias (mapped − measured) and RMSE (t C/ha), the depth
    conversion, one row per site (Markdown, as in docs/atlas-validation.md). The seed catalogues are loaded
    first when missing (as `permille serve` does)."""
    import json

    from .monitoring import site_validation
    from .registry import seed

    with _registry_sessions()() as session:
        seed.seed(session)
        session.commit()
        rows = site_validation.site_rows(session, None)
    total = site_validation.summary(rows)
    if json_output:
        print(json.dumps({"summary": total, "sites": rows}, ensure_ascii=False, indent=1))
    else:
        print("\n".join(site_validation.markdown(rows, total)))
