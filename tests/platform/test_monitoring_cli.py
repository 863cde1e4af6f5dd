"""``permille monitoring country ISO3`` prints what the country page shows (issue 18, point 8): the
answer of ``GET /api/monitoring/countries/ISO3`` for the public, from the same domain module, and the NDC
section (``GET /api/ndc/countries/ISO3``), in en/fr/es; bad input is refused naming the option or the
country."""

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from permille.api.app import create_app
from permille.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(db_url, monkeypatch):
    monkeypatch.setenv("PERMILLE_DATABASE_URL", db_url)
    return db_url


def test_country_text_is_the_page_answer(cli_env, engine):
    printed = runner.invoke(app, ["monitoring", "country", "gbr"])  # seeds the fresh registry first
    assert printed.exit_code == 0, printed.output
    as_json = runner.invoke(app, ["monitoring", "country", "GBR", "--json"])
    with TestClient(create_app(engine, seed=False)) as client:
        page = client.get("/api/monitoring/countries/GBR").json()
    assert json.loads(as_json.output) == page
    assert printed.output.startswith("United Kingdom (GBR)\n")
    assert page["sites"], "the Rothamsted sites are seeded on every install"
    # the real default atlas is loaded as `permille serve` loads it: the page's modelled stock is printed
    assert "t C/ha on average" in printed.output and "No real SOC stock layer" not in printed.output
    for line in page["sentences"]["en"] + page["sources"] + page["caveats"]:
        assert f"  {line}\n" in printed.output
    for site in page["sites"]:
        n = site["n_observations"]
        assert f"  {site['name']}: {n} observation{'s' if n != 1 else ''}, latest stock" in printed.output
    for row in page["tier1"]["items"]:
        assert f"{row['climate_zone']} · {row['soil_class']}: {row['socref_t_c_ha']:.1f}" in printed.output
    with TestClient(create_app(engine, seed=False)) as client:
        ndc = client.get("/api/ndc/countries/GBR").json()
    for fact in (f for f in ndc["party"]["facts"] if f["answered"]):
        assert (
            f"  {fact['topic']}: {fact['value']} [{fact['source_title']}, {fact['vintage']}]\n"
            in printed.output
        )
    land = ndc["land_use"]
    assert (
        f"  {land['years'][-1]}: cropland {land['cropland_kha'][-1]:,.0f}, permanent meadows"
        in printed.output
    )
    assert f"  soils: {'yes' if ndc['party']['mentions']['soils'] else 'no'}\n" in printed.output
    french = runner.invoke(app, ["monitoring", "country", "GBR", "--lang", "fr"])
    assert french.exit_code == 0 and french.output.startswith("Royaume-Uni (GBR)\n")
    assert all(f"  {line}\n" in french.output for line in page["sentences"]["fr"])
    with TestClient(create_app(engine, seed=False)) as client:
        french_page = client.get("/api/monitoring/countries/GBR?lang=fr").json()
    assert french_page["caveats"] != page["caveats"]  # written in French, as the French page shows them
    for line in french_page["sources"] + french_page["caveats"]:
        assert f"  {line}\n" in french.output
    assert "\nLimites\n" in french.output and "\nCDN : agriculture, terres et sols\n" in french.output
    assert "observations, dernier stock" in french.output


def test_bad_input_is_refused_clearly(cli_env):
    language = runner.invoke(app, ["monitoring", "country", "FRA", "--lang", "de"])
    assert language.exit_code == 2 and "--lang" in language.output and "'de'" in language.output
    unknown = runner.invoke(app, ["monitoring", "country", "XXX"])
    assert unknown.exit_code == 2 and "no country 'XXX'" in unknown.output
