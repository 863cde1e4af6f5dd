"""The web pages' messages per language, from the one catalogue (:func:`permille.i18n.web_catalogue`):
cached by the browser and revalidated with an ETag."""

from fastapi import APIRouter, Request, Response

from ... import i18n
from ..errors import ApiError

router = APIRouter(tags=["i18n"])


@router.get("/i18n/{lang}", responses={404: {"description": "No messages in that language (en, fr, es)"}})
def messages(lang: str, request: Request) -> Response:
    """``{"language", "messages": {key: text | {one, many, other: text}}}``: the pages' messages in
    ``lang`` (en, fr, es); a message with plural forms maps each CLDR category to its text."""
    if lang not in i18n.LANGUAGES:
        raise ApiError(
            404,
            i18n.gettext(
                i18n.accepted_language(None, request.headers.get("accept-language")),
                "no messages in the language {code}",
                code=lang,
            ),
        )
    body, etag = i18n.web_catalogue_json(lang)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
