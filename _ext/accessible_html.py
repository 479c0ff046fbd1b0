"""Sphinx extension: accessible names that include what a button shows (WCAG 2.5.3).

The theme's search buttons show "Search Ctrl+K" but are labelled ``aria-label="Search"``, and
its colour-mode button shows the icon of the current mode (titled "Light", "Dark" or "System
Settings") but is labelled "Color mode". A reader who uses speech input says what they see,
and axe-core reports each one (``label-content-name-mismatch``). Without the label, the
accessible name is what the button shows: its text, or the title of its visible icon. The
buttons come from the theme's templates, so the labels are taken out of the written pages
once the build has finished.
"""

from __future__ import annotations

import re
from pathlib import Path

# The class of each button whose label hides what it shows, and that label.
MISLABELLED = {"search-button-field": "Search", "theme-switch-button": "Color mode"}


def unlabel_buttons(html: str) -> str:
    for css_class, label in MISLABELLED.items():
        tag = re.compile(rf'<button class="[^"]*\b{css_class}\b[^"]*"[^>]*>')
        attribute = re.compile(rf'\s+aria-label="{label}"')
        html = tag.sub(lambda match, attribute=attribute: attribute.sub("", match.group(0)), html)
    return html


def rewrite_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        fixed = unlabel_buttons(html)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
