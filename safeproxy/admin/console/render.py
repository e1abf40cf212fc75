"""The console's HTML: Jinja2 templates with autoescaping always on, the security headers of
every page, and the static files (CSS, the keyboard-shortcut script) served from the package.

Why Jinja2: escaping is the default for every `{{ }}` (autoescape=True, not chosen per file
extension), undefined names fail loudly (StrictUndefined), and it is the best-known template
engine in Python. The templates never mark a value safe (no `safe` filter, no Markup; a
test reads them for it), so no path exists by which reviewed text reaches the page unescaped.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

from aiohttp import web

# No inline script or style anywhere: scripts and styles come from this origin's files only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


class Renderer:
    """Renders the console's templates into responses that carry the security headers."""

    def __init__(self) -> None:
        import jinja2  # the console's own dependency: loaded only when the console runs

        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("safeproxy.admin.console", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        files = resources.files("safeproxy.admin.console") / "static"
        self._static = {name: (files / name).read_bytes() for name in STATIC}
        # A content hash in each static URL: a new version is fetched, an old one cached.
        self.static_urls = {
            name: f"/console/static/{name}?v={hashlib.sha256(body).hexdigest()[:12]}"
            for name, body in self._static.items()
        }

    def page(self, template: str, status: int = 200, **context: Any) -> web.Response:
        html = self._env.get_template(template).render(static=self.static_urls, **context)
        return web.Response(text=html, status=status, content_type="text/html",
                            headers=HEADERS)  # fmt: skip

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._static:
            raise web.HTTPNotFound(headers=HEADERS)
        headers = {**HEADERS, "Cache-Control": "public, max-age=86400"}
        return web.Response(body=self._static[name], content_type=STATIC[name], headers=headers)


def redirect(location: str) -> web.Response:
    """A 303 to a console path (never to a URL taken from the request)."""
    if not location.startswith("/console"):
        raise ValueError("the console redirects within itself only")
    return web.Response(status=303, headers={**HEADERS, "Location": location})
