"""Rendering pages: jinja2 templates with autoescaping, and the one-line refusal page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from glossary.catalogs import gettext_for, is_rtl
from glossary.languages import Language

TEMPLATES = Path(__file__).parent / "templates"


class Pages:
    def __init__(self) -> None:
        self.templates = Jinja2Templates(directory=str(TEMPLATES))

    def render(
        self,
        request: Request,
        name: str,
        status: int = 200,
        language: str = Language.EN,
        **context: Any,
    ) -> Response:
        """`language`: the reader's, for pages outsiders open (answer pages); staff pages
        are English. Templates say `_("...")` for what they translate."""
        context |= {"_": gettext_for(language), "lang": language, "rtl": is_rtl(language)}
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers["Content-Language"] = str(language)
        # Pages hold case data: never cached, never framed by another site; the token in the
        # URL is never sent to another site as a referrer ("same-origin" rather than
        # "no-referrer": with the latter browsers post our own forms with `Origin: null`).
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    def refused(
        self, request: Request, message: str, status: int, language: str = Language.EN
    ) -> Response:
        return self.render(request, "refused.html", status, language, message=message)
