"""``GET /docs``: Swagger UI on the app's OpenAPI schema, from the copy vendored in the package
(``static/vendor/swagger-ui-dist``, npm ``swagger-ui-dist``, see ``scripts/vendor_web.sh``), started by a
script file (``static/js/api-docs.js``), so that it works offline and under the app's
Content-Security-Policy (no inline script). ReDoc is not served: a second renderer of the same schema
would add 2.3 MB of vendored code.
"""

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

VENDOR = "/vendor/swagger-ui-dist"


def page(title: str, openapi_url: str) -> str:
    """The HTML of the Swagger UI page for the schema at ``openapi_url``."""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} — API</title>
  <link rel="icon" href="{VENDOR}/favicon-32x32.png">
  <link rel="stylesheet" href="{VENDOR}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
  <script src="{VENDOR}/swagger-ui-bundle.js"></script>
  <script src="/js/api-docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve :func:`page` at ``/docs`` (create ``app`` with ``docs_url=None, redoc_url=None``)."""
    html = page(app.title, app.openapi_url or "/openapi.json")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html)
