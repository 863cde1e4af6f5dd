"""Bounds of the read cache (api/readmodels.py, issue 19 points 1 and 2): parameters a route does not
declare make no new kept answer; the kept answers are bound by bytes as well as by count; an invalidation
forgets the URLs of the answers it drops. SQLite and PostgreSQL (invalidation follows the writes)."""

import pytest

from permille.api import readmodels

SITE = {"name": "Bounded", "country_iso3": "FRA", "lon": 1.5, "lat": 43.5, "land_use": "cropland"}


@pytest.mark.parametrize("path", ["/api/kpis", "/api/monitoring/boundaries.geojson", "/api/sites"])
def test_unknown_query_parameters_make_no_new_entries(client, path):
    models = client.app.state.readmodels
    first = client.get(path)
    assert first.status_code == 200, first.text
    kept = models.sizes()
    for i in range(30):
        answer = client.get(f"{path}?n={i}&{'x' * 50}={i}")
        if answer.status_code == 200:  # a route without a query model ignores them (the same answer)
            assert answer.content == first.content
        else:  # a query model refuses them
            assert answer.status_code == 422
    assert models.sizes() == kept


def test_declared_parameters_still_make_their_own_answers(client):
    models = client.app.state.readmodels
    for size in (1, 2, 3):
        assert client.get(f"/api/sites?page_size={size}").status_code == 200
    assert models.sizes()[0] == 3


def test_kept_answers_are_bound_by_bytes(client, monkeypatch):
    models = client.app.state.readmodels
    body = client.get("/api/kpis").content
    monkeypatch.setattr(readmodels, "MAX_BYTES", 3 * len(body))
    for size in range(1, 11):
        assert client.get(f"/api/sites?page_size={size}").status_code == 200
    entries, urls, kept_bytes = models.sizes()
    assert kept_bytes <= 3 * len(body)
    assert urls == entries  # one reader: one answer per URL, the URLs of dropped answers forgotten
    assert client.get("/api/kpis").content == body  # evicted, then computed again


def test_an_answer_bigger_than_the_per_answer_bound_is_sent_not_kept(client, monkeypatch):
    models = client.app.state.readmodels
    monkeypatch.setattr(readmodels, "MAX_ANSWER_BYTES", 100)
    assert client.get("/api/kpis").status_code == 200
    assert models.sizes() == (0, 0, 0)


def test_an_invalidation_forgets_the_urls_of_the_answers_it_drops(client, auth):
    models = client.app.state.readmodels
    for page in range(1, 21):
        assert client.get(f"/api/sites?page={page}").status_code == 200
    assert models.sizes()[:2] == (20, 20)
    answer = client.post("/api/sites", json=SITE, headers=auth("secretariat"))
    assert answer.status_code == 201, answer.text
    entries, urls, kept_bytes = models.sizes()
    assert (entries, urls, kept_bytes) == (0, 0, 0)
