"""Sphinx extension: accessible names that include what a button shows (WCAG 2.5.3).

The theme's search buttons show "Search Ctrl+K" but are labelled ``aria-label="Search"``; its
colour-mode button shows the icon of the current mode (titled "Light", "Dark" or "System
Settings") but is labelled "Color mode"; myst-nb's toggle of a folded code cell shows "Show
code cell source" but is labelled "Toggle hidden content". A reader who uses speech input says
what they see, and axe-core reports each one (``label-content-name-mismatch``). Without the
label, the accessible name is what the control shows: its text, or the title of its visible
icon. The controls come from templates, so the labels are taken out of the written pages once
the build has finished.
"""

from __future__ import annotations

import re
from pathlib import Path

# Each control whose label hides what it shows: the opening tag to find it by, and the label.
MISLABELLED = {
    r'<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*>': "Search",
    r'<button class="[^"]*\btheme-switch-button\b[^"]*"[^>]*>': "Color mode",
    r"<summary\b[^>]*>": "Toggle hidden content",
}


def unlabel_buttons(html: str) -> str:
    for opening_tag, label in MISLABELLED.items():
        tag = re.compile(opening_tag)
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
