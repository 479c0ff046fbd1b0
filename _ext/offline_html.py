"""Sphinx extension: an HTML book that makes no request outside itself and logs no error.

Jupyter Book 1 always loads sphinx-thebe, and the theme then declares its configuration twice
(``Identifier 'THEBE_JS_URL' has already been declared`` in the console of every page) and
points it at unpkg.com. The book runs no live code (its sliders are precomputed, see
``optlib.widgets``), so the thebe scripts and styles are dropped from every page. MathJax comes
from the ``sphinx-mathjax-offline`` package, which copies it into ``_static``.
"""

from __future__ import annotations


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if context.get(key):
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
