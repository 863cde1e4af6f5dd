"""``/docs`` in Chromium, offline: Swagger UI from the package shows the API's operations under the app's
Content-Security-Policy, and no request leaves the server (issue 12 point 9)."""


def test_docs_render_offline_from_the_package(page, server, screenshot):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(  # anything not for our server would need the internet: refuse it, and fail below
        lambda url: not url.startswith(server.url) and not url.startswith(("data:", "blob:")),
        lambda route: route.abort(),
    )
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".opblock-tag", timeout=20_000)  # the tags, closed: opened one by one
    tags = [t.split("\n")[0].strip() for t in page.locator(".opblock-tag").all_inner_texts()]
    assert {"auth", "observations", "kpis", "monitoring", "toolkit"} <= set(tags), tags
    for tag in ("auth", "observations"):
        page.click(f".opblock-tag[data-tag='{tag}']")
        page.wait_for_selector(f"#operations-tag-{tag} ~ div .opblock-summary-path", timeout=20_000)
    paths = [p.strip() for p in page.locator(".opblock-summary-path").all_inner_texts()]
    assert "/api/observations/ingest" in paths and "/api/auth/token" in paths, paths
    assert page.locator(".information-container .title").inner_text().startswith("permille platform")
    outside = [url for url in requested if not url.startswith((server.url, "data:", "blob:"))]
    assert outside == [], f"requests leaving the server: {outside}"
    screenshot(page, "api-docs", full_page=False)
