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
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/observations/ingest" in [p.strip() for p in paths]
    assert len(paths) >= 5 and "/api/auth/token" in [p.strip() for p in paths]
    assert page.locator(".information-container .title").inner_text().startswith("permille platform")
    outside = [url for url in requested if not url.startswith((server.url, "data:", "blob:"))]
    assert outside == [], f"requests leaving the server: {outside}"
    screenshot(page, "api-docs", full_page=False)
