"""CSV downloads with their header row in the reader's language (issue 22, point 1): ``header=labels`` writes
each column as a label with its unit in the request's language (``?lang=`` or ``Accept-Language``), the rows
unchanged; without it the columns keep the machine names programs read; a kept (cached) answer is relabelled
as it is sent and stays machine-named for the next program."""

import csv
import io

import pytest

from permille.io import csv_header

EXPORTS = [
    "/api/kpis/export.csv",
    "/api/kpis/open-data.csv",
    "/api/sites/export.csv",
    "/api/observations/export.csv",
    "/api/projects/export.csv",
    "/api/monitoring/countries/GBR?format=csv&table=observations",
    "/api/monitoring/countries/GBR?format=csv&table=sites",
    "/api/monitoring/zones?level=country&layer=soc_t0&format=csv",
]


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


@pytest.mark.parametrize("path", EXPORTS)
def test_every_column_of_a_download_has_its_label_in_the_language(seeded_client, auth, path):
    headers = auth("secretariat")
    codes = seeded_client.get(path, headers=headers)
    assert codes.status_code == 200, codes.text
    names = _rows(codes)[0]
    join = "&" if "?" in path else "?"
    for lang in ("en", "fr", "es"):
        labelled = seeded_client.get(
            f"{path}{join}header=labels", headers=headers | {"Accept-Language": lang}
        )
        rows = _rows(labelled)
        assert rows[0] == [csv_header.label(name, lang) for name in names]
        assert not set(rows[0]) & set(names) - {"Total", "Zone", "Id"}, "every column has its label"
        assert rows[1:] == _rows(codes)[1:], "the rows are the same"
        if "etag" in codes.headers:  # a kept answer: each version its own ETag
            assert labelled.headers["etag"] != codes.headers["etag"]
    again = seeded_client.get(path, headers=headers)
    assert _rows(again)[0] == names  # the machine names, for programs, unchanged by a labelled answer


def test_the_header_follows_accept_language_and_a_cached_answer_is_relabelled(seeded_client):
    path = "/api/monitoring/countries/GBR?format=csv&table=observations"
    assert _rows(seeded_client.get(path))[0] == [
        "year",
        "n_sites",
        "mean_t_c_ha",
        "low_t_c_ha",
        "high_t_c_ha",
    ]
    for _ in range(2):  # the second answer comes from the read models
        french = seeded_client.get(f"{path}&header=labels", headers={"Accept-Language": "fr-FR"})
        assert _rows(french)[0] == [
            "Année",
            "Sites",
            "Moyenne (t C/ha)",
            "Borne basse à 95 % (t C/ha)",
            "Borne haute à 95 % (t C/ha)",
        ]
        assert "Accept-Language" in french.headers["vary"]
    spanish = seeded_client.get(f"{path}&header=labels", headers={"Accept-Language": "es"})
    assert _rows(spanish)[0][2] == "Media (t C/ha)"
    assert _rows(seeded_client.get(f"{path}&header=codes"))[0][0] == "year"


def test_a_toolkit_table_is_labelled_too(seeded_client):
    body = seeded_client.get("/api/toolkit/examples/rothc").json()
    answer = seeded_client.post("/api/toolkit/rothc?format=csv&header=labels&lang=fr", json=body)
    assert answer.status_code == 200, answer.text
    header = _rows(answer)[0]
    assert header[:3] == ["Année", "Référence, valeur centrale (t C/ha)", "Référence, moyenne (t C/ha)"]
    assert header[-1] == "Cible «4 pour 1000», centrale (t C/ha)"


def test_the_statistic_columns_are_composed():
    assert csv_header.label("stock_t_c_ha_low95", "en") == "Stock (t C/ha), 95 % low"
    assert csv_header.label("change_t_co2e_ha_yr_sd", "es") == "Cambio (t CO2e/ha/año), desviación estándar"
    assert csv_header.label("difference_high95_t_c_ha", "fr") == "Différence, borne haute à 95 % (t C/ha)"
    assert csv_header.label("not_a_known_column", "fr") == "not_a_known_column"
