"""Paper from HTML: WeasyPrint with our own fonts and nothing fetched from outside.

The fonts come from our own static files (DejaVu Sans, static/fonts/) through @font-face, so Cyrillic
never depends on what the server has installed. WeasyPrint fetches nothing else: the fetcher below
answers only `valiza-static:` addresses from the static files and refuses every other URL, so
nothing on a sheet (an address, a note typed by an operator) can make the server reach the network
or read a file. Route sheets (planning), case files (field) and the journal on paper use it.
"""

import mimetypes

from django.contrib.staticfiles import finders

STATIC_SCHEME = "valiza-static:"
FONTS = {"regular": "fonts/DejaVuSans.ttf", "bold": "fonts/DejaVuSans-Bold.ttf"}


def font_context():
    """The template variables a paper template's @font-face rules use."""
    return {"font_regular": STATIC_SCHEME + FONTS["regular"], "font_bold": STATIC_SCHEME + FONTS["bold"]}


def static_only_fetcher():
    """A WeasyPrint URL fetcher for our static files only (see the module docstring)."""
    # Imported here, as is WeasyPrint itself: it loads Pango through cffi, and only a PDF needs it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"paper loads nothing from outside: {url}")
            path = finders.find(url.removeprefix(STATIC_SCHEME))
            if not path:
                raise FileNotFoundError(url)
            with open(path, "rb") as f:
                body = f.read()
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    # A missing font stops the sheet rather than printing it in whatever font the system has.
    return StaticOnlyFetcher(fail_on_errors=True)


def render_pdf(html):
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=static_only_fetcher()).write_pdf()
