"""Links to a section of another chapter that work in the HTML book and in JupyterLab.

A chapter refers to a section of another as ``[chapter 3](03_momentum.ipynb#mom-rates)``, a
plain Markdown link: in JupyterLab (jupyterlab-myst) it opens the other notebook, where a
``{ref}`` to a label in another notebook cannot resolve and shows no link at all. myst-parser
resolves the ``#mom-rates`` of such a link only against the heading slugs it records for that
document, not against ``(mom-rates)=`` targets; this extension records every section label
of a document among its slugs, so the link lands on the section and a misspelt label still
fails the ``-W`` build.
"""

from __future__ import annotations


def _record_labels_as_slugs(app, env):
    for label, (docname, anchor, title) in env.get_domain("std").labels.items():
        if docname in env.all_docs and title:  # a section's label (it has a title)
            slugs = env.metadata[docname].setdefault("myst_slugs", {})
            slugs.setdefault(label, (None, anchor, title))
    return []


def setup(app):
    app.connect("env-updated", _record_labels_as_slugs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
