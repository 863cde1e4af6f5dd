"""The documentation at /help, over HTTP from a running `permille serve`-like server: built into
$PERMILLE_HOME/help on first use, linked from every page's footer, and usable offline — no request leaves
127.0.0.1 and the search finds a page, under the platform's Content-Security-Policy."""

import base64
import hashlib
import re
import time

import httpx
from playwright.sync_api import expect

from permille.api import help as help_site


def test_help_is_served_over_http_with_its_search_index(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        moved = client.get("/help", follow_redirects=False)
        assert moved.status_code == 308 and moved.headers["location"] == "/help/"
        home = client.get("/help/")
        assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
        assert "Start with the guide for what you do" in home.text
        assert "fonts.googleapis" not in home.text and "fonts.gstatic" not in home.text  # offline
        # every inline script of the page is allowed by its hash, nothing else inline
        policy = home.headers["content-security-policy"]
        inline = re.findall(r"<script>(.*?)</script>", home.text, re.S)
        assert inline
        for body in inline:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        page = client.get("/help/roles/operator.html")
        assert page.status_code == 200 and "Deployment and security" in page.text
        index = client.get("/help/search/search_index.json").json()
        assert any(doc["location"].startswith("rothc.html") for doc in index["docs"])
        assert client.get("/help/no-such-page.html").status_code == 404
    built = list((help_site.permille_home() / "help").iterdir())
    assert [p.name for p in built if not p.name.startswith(".")] == [
        help_site.digest(help_site.source_config())
    ]


def test_help_is_linked_from_the_footer_and_its_search_works_offline(server, page):
    outside: list[str] = []

    def local_only(route):
        if route.request.url.startswith(server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.context.route("**/*", local_only)
    page.goto(f"{server.url}/#/progress?lang=fr")
    link = page.locator("footer #help-link")
    link.wait_for()
    assert link.inner_text() == "Documentation"
    link.click()
    page.wait_for_url(f"{server.url}/help/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # the index is built in the page (slow on a busy machine); Material drops a query typed while its
    # worker starts, so the query is typed (key by key) once the search is ready, and again while no result shows
    expect(page.locator(".md-search-result__meta")).not_to_have_text("Initializing search", timeout=90_000)
    deadline = time.monotonic() + 90
    while page.locator(".md-search-result__item").count() == 0:
        assert time.monotonic() < deadline, "the offline search never answered"
        page.locator(".md-search__input").fill("")
        page.locator(".md-search__input").press_sequentially("equilibrium")  # key events, as a reader types
        page.wait_for_timeout(3_000)
    assert page.locator(".md-search-result__item a").first.get_attribute("href")
    assert outside == []


def test_a_build_is_kept_until_the_source_changes(tmp_path):
    source = tmp_path / "source"
    (source / "docs").mkdir(parents=True)
    config = source / "mkdocs.yml"
    config.write_text("site_name: t\ntheme:\n  name: material\n  font: false\nplugins: [search]\n")
    (source / "docs" / "index.md").write_text("# One\n")
    root = tmp_path / "help"
    first = help_site.build(config, root)
    stamp = (first / "index.html").stat().st_mtime_ns
    assert help_site.build(config, root) == first and (first / "index.html").stat().st_mtime_ns == stamp
    (source / "docs" / "index.md").write_text("# Two\n")
    second = help_site.build(config, root)
    assert second != first and "Two" in (second / "index.html").read_text()
    assert sorted(p.name for p in root.iterdir()) == [second.name]  # the old build is gone
