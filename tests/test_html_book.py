"""The built HTML book as a reader sees it, checked in headless Chromium.

Every page of ``_toc.yml`` is opened from a local server and must load with no console error,
no request outside the book, at least one figure on a chapter page, under 3 MB of its own
(see ``PageVisit``), and static sliders that change their frame when moved (with the keyboard,
as a reader would). At a phone's width the menu button opens the table of contents and no page
scrolls sideways; axe-core finds no WCAG 2.1 A/AA violation in light or dark mode, and dark
mode shows the figures as drawn. The pages carry no build leftovers.
Screenshots land in ``_build/screenshots``.

The book is the one in ``_build/html`` (``make book``, which CI runs first); it is built here
when missing. Chromium comes from Debian (``apt-get install chromium``): without it these tests
skip with that hint, except under CI (``CI`` set), where they must run.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from book_toc import toc_entries

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MAX_PAGE_BYTES = 3 * 1024 * 1024
MAX_SHARED_BYTES = 5 * 1024 * 1024  # loaded once per reader, then cached
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Any host but the local server resolves to nothing, so a request outside the book fails at
# once instead of waiting on a network this machine may not have; `PageVisit` records it.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def toc_pages() -> list[str]:
    return toc_entries(ROOT)


def _missing_browser(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser checks (.ci/run installs chromium)")
    pytest.skip(f"{reason}; install it with `apt-get install chromium` to run the browser checks")


@pytest.fixture(scope="module")
def book_url():
    if not (HTML / "index.html").exists():
        subprocess.run(["make", "book"], cwd=ROOT, check=True)  # executes every notebook
    handler = functools.partial(Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output for failures
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _missing_browser(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", OFFLINE],
        )
        yield chromium
        chromium.close()


PAGE_TIMEOUT_MS = 300_000
DESKTOP = {"width": 1280, "height": 900}  # every page is loaded at this size
PHONE = {"width": 390, "height": 844}


@contextlib.contextmanager
def viewport(page, size):
    """The loaded page laid out at another size, then back at the desktop's."""
    page.set_viewport_size(size)
    try:
        yield page
    finally:
        page.set_viewport_size(DESKTOP)


# The theme fades colours over a 0.15 s transition: a check must see the mode, not the fade
# (axe once measured a button's text half-way, on a loaded machine).
NO_TRANSITIONS_JS = """() => {
    if (document.getElementById("no-transitions")) return;
    const style = document.createElement("style");
    style.id = "no-transitions";
    style.textContent = "*, *::before, *::after { transition: none !important; }";
    document.head.append(style);
}"""


@contextlib.contextmanager
def colour_mode(page, mode):
    """The loaded page in the theme's "light" or "dark" mode, as its button sets it, then
    back in light mode."""
    page.evaluate(NO_TRANSITIONS_JS)
    page.evaluate("(mode) => { document.documentElement.dataset.theme = mode; }", mode)
    try:
        yield page
    finally:
        page.evaluate("document.documentElement.dataset.theme = 'light'")


# What the page downloaded, from the browser's own Resource Timing: the navigation plus every
# resource, with its body size as sent (same-origin, so the sizes are exposed).
RESOURCES_JS = """() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .map(e => [e.name, e.encodedBodySize])"""


class PageVisit:
    """One page load in a fresh browser context (no cache): what the console said, what was
    requested outside the book, and how many bytes came in.

    ``bytes`` is the page's own weight: its HTML and everything it loads from outside
    ``_static/``. The theme, its fonts and MathJax live in ``_static/``, are shared by every
    page and cached after the first; they are counted apart, in ``shared_bytes``.

    The listeners only append to lists. (Intercepting every request with ``page.route``, or
    fetching response bodies inside a listener, made each page take minutes on the slow CI
    machine: every request waited on this Python process.)
    """

    def __init__(self, browser, base_url: str, page_path: str):
        self.base = urlparse(base_url)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context = browser.new_context(viewport=DESKTOP)
        # A chapter took 60 s to load (MathJax, figures) on the 2-core CI machine at its
        # slowest; playwright's default of 30 s would fail a page that is only slow.
        self.context.set_default_timeout(PAGE_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("request", self._on_request)
        self.page.goto(f"{base_url}/{page_path}.html", wait_until="load")
        self.bytes = self.shared_bytes = 0
        for url, size in self.page.evaluate(RESOURCES_JS):
            if "/_static/" in urlparse(url).path:
                self.shared_bytes += size
            else:
                self.bytes += size

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _on_request(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob") and url.netloc != self.base.netloc:
            self.outside.append(request.url)


PAGES = toc_pages()


@pytest.fixture(scope="module")
def visits(browser, book_url):
    opened: dict[str, PageVisit] = {}

    def visit(page_path: str) -> PageVisit:
        # Each page loads once for all its checks. (`opened.setdefault(path, PageVisit(...))`
        # would load it again for every check, since the default is built before the lookup,
        # and leave those extra contexts open: that made CI's browser stage time out.)
        if page_path not in opened:
            opened[page_path] = PageVisit(browser, book_url, page_path)
        return opened[page_path]

    yield visit
    for page_visit in opened.values():
        page_visit.context.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_cleanly(visits, page_path):
    visit = visits(page_path)
    assert not visit.errors, f"{page_path}: console errors: {visit.errors}"
    assert not visit.outside, f"{page_path}: requests outside the book: {visit.outside}"
    assert visit.bytes < MAX_PAGE_BYTES, f"{page_path}: {visit.bytes / 1e6:.2f} MB of its own"
    assert visit.shared_bytes < MAX_SHARED_BYTES, (
        f"{page_path}: {visit.shared_bytes / 1e6:.2f} MB of theme and MathJax"
    )


@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_chapter_shows_figures(visits, page_path):
    figures = visits(page_path).page.evaluate(
        """() => [...document.querySelectorAll('.cell_output img, .cell_output svg')]
                 .filter(e => e.getBoundingClientRect().width > 100).length"""
    )
    assert figures > 0, f"{page_path}: no figure in any cell output"


@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_figures_are_drawn_for_high_density_screens(visits, page_path):
    """A figure's PNG holds at least 1.8 pixels for each pixel it is shown at (the runner's
    "retina" figures), so that it stays sharp on a phone's or a laptop's 2x screen; never
    stretched. The static sliders' frames are excluded: their pages' budget keeps them at 1x."""
    ratios = visits(page_path).page.evaluate(
        """[...document.querySelectorAll('.cell_output img')]
             .filter(image => !image.closest('.optlib-sweep'))
             .map(image => image.naturalWidth / image.getBoundingClientRect().width)"""
    )
    assert ratios, f"{page_path}: no figure"
    low = [round(r, 2) for r in ratios if r < 1.8]
    assert not low, f"{page_path}: {len(low)} of {len(ratios)} figures below 1.8x: {low}"


# Each figure's shown width over height against its image's: 1 unless it is squeezed.
FIGURE_SHAPES_JS = """[...document.querySelectorAll('.cell_output img')].map(image => {
    const box = image.getBoundingClientRect();
    return (box.width / box.height) / (image.naturalWidth / image.naturalHeight);
})"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_figures_keep_their_shape(visits, page_path, size):
    """A figure narrowed to its column (on a desktop, on a phone) keeps its aspect ratio."""
    with viewport(visits(page_path).page, size) as page:
        shapes = page.evaluate(FIGURE_SHAPES_JS)
    squeezed = [round(s, 2) for s in shapes if abs(s - 1) > 0.03]
    assert not squeezed, f"{page_path} at {size['width']} px: squeezed figures {squeezed}"


@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_figure_text_stays_readable_on_a_phone(visits, page_path):
    """At 390 px a figure keeps its desktop size (80 px per inch: 10-point text is 11 px
    high) and scrolls sideways in its own box; a static slider's frame stacks its panels,
    each shown at 90% of its pixels or more (72 to 80 per inch: 10-point text at 9 px or
    more), and fits the column."""
    with viewport(visits(page_path).page, PHONE) as page:
        figures = page.evaluate(
            """[...document.querySelectorAll('.cell_output img')]
                 .filter(image => !image.closest('.optlib-sweep')).map(image => {
                const box = image.closest('.cell_output');
                return {shown: image.getBoundingClientRect().width,
                        desktop: parseFloat(image.style.width) || image.naturalWidth / 2,
                        scrolls: box.scrollWidth <= box.clientWidth + 1
                                 || getComputedStyle(box).overflowX === 'auto'};
            })"""
        )
        panels = page.evaluate(
            """[...document.querySelectorAll('.optlib-sweep img')].map(image => {
                const box = image.getBoundingClientRect();
                const column = image.closest('.optlib-sweep').getBoundingClientRect();
                return {scale: box.width / image.naturalWidth,
                        inside: box.left >= column.left - 1 && box.right <= column.right + 1};
            })"""
        )
    shrunk = [f for f in figures if f["shown"] < 0.99 * f["desktop"] or not f["scrolls"]]
    assert not shrunk, f"{page_path}: figures shrunk on a phone: {shrunk}"
    small = [round(p["scale"], 2) for p in panels if p["scale"] < 0.9]
    assert not small, f"{page_path}: static slider panels shown below 90%: {small}"
    assert all(p["inside"] for p in panels), f"{page_path}: a slider's panel leaves its column"


# What a screen reader says of a static slider's figure: the frame's aria-label when it is
# cut into panels, else its image's alt text.
DESCRIPTION_JS = """sweep => {
    const frame = sweep.querySelector('.optlib-sweep-frame');
    return frame.getAttribute('aria-label') || frame.querySelector('img').alt;
}"""


@pytest.mark.parametrize("page_path", PAGES)
def test_static_sliders_respond(visits, page_path):
    """Every range input of every static sweep (one, or two for a grid of frames) changes the
    frame when moved, and its own label shows a value."""
    page = visits(page_path).page
    sweeps = page.locator(".optlib-sweep")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(sweeps.count()):
        sweep = sweeps.nth(i)
        image = sweep.locator("img").first  # the first panel of the frame
        sliders, labels = sweep.locator("input[type=range]"), sweep.locator("output")
        assert sliders.count() in (1, 2), f"{page_path}: sweep {i} has {sliders.count()} inputs"
        assert labels.count() == sliders.count(), f"{page_path}: sweep {i}: a label per input"
        sweep.scroll_into_view_if_needed()
        name = f"{Path(page_path).name}-sweep{i}"
        sweep.screenshot(path=str(SCREENSHOTS / f"{name}-before.png"))
        for j in range(sliders.count()):
            slider, label = sliders.nth(j), labels.nth(j)
            before, shown = image.get_attribute("src"), label.inner_text()
            described = sweep.evaluate(DESCRIPTION_JS)
            slider.focus()
            at_start = slider.input_value() == slider.get_attribute("min")
            page.keyboard.press("End" if at_start else "Home")  # a real key press fires "input"
            after = image.get_attribute("src")
            assert after != before, f"{page_path}: sweep {i}, slider {j} did not change its frame"
            text = label.inner_text()
            assert "=" in text, f"{page_path}: sweep {i}, slider {j} shows no value ({text!r})"
            assert text != shown, f"{page_path}: sweep {i}, slider {j}: its label did not change"
            now = sweep.evaluate(DESCRIPTION_JS)  # and the figure's description follows it
            assert now != described and text in now, f"{page_path}: {now!r}"
        sweep.screenshot(path=str(SCREENSHOTS / f"{name}-after.png"))


@pytest.mark.parametrize("page_path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(visits, page_path):
    """At 390 px, as on a phone, nothing widens the page: long code, signatures, tables and
    equations wrap or scroll inside their own boxes. The page already loaded is narrowed."""
    with viewport(visits(page_path).page, PHONE) as page:
        width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page_path}: the page is {width} px wide on a 390 px screen"


# What a build must not leave in a page: the kernel's temporary paths (in warnings), the
# formatter's pragmas, and output boxes with nothing in them (a progress bar's last newline).
LEFTOVERS = {
    "a temporary path": re.compile(r"/tmp/|ipykernel_\d+"),
    "a formatter pragma": re.compile(r"# fmt: (skip|off|on)"),
    "JupyterLab's front matter": re.compile(r"numbering:|enumerator"),
    "an empty output box": re.compile(
        r'<div class="output stderr[^"]*"><div class="highlight"><pre><span></span>\s*</pre>'
    ),
}


@pytest.mark.parametrize("page_path", PAGES)
def test_pages_are_free_of_build_leftovers(page_path):
    html = (HTML / f"{page_path}.html").read_text(encoding="utf-8")
    found = [what for what, pattern in LEFTOVERS.items() if pattern.search(html)]
    assert not found, f"{page_path}: {', '.join(found)}"


@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_every_figure_says_what_it_shows(page_path):
    """Each figure has alt text that describes it (a sentence, not a file name), and each
    static slider's frame a description before its setting, "... (learning_rate = 0.1)"."""
    html = (HTML / f"{page_path}.html").read_text(encoding="utf-8")
    # A static slider's frame of several panels is one image, described by its aria-label;
    # its panels' images are parts of it (alt="").
    panelled = re.compile(
        r'<div class="optlib-sweep-frame"[^>]* role="img" aria-label="([^"]*)">(?:<img\b[^>]*>)+'
    )
    descriptions = [m.group(1) for m in panelled.finditer(html)]
    images = re.findall(r"<img\b[^>]*>", panelled.sub("", html))
    assert images or descriptions, f"{page_path}: no figure"
    bare = []
    for tag in images:
        alt = re.search(r'\balt="([^"]*)"', tag)
        descriptions.append(alt.group(1) if alt else "")
    for text in descriptions:
        if len(text.split()) < 4 or text.endswith((".png", ".svg")):
            bare.append(text or "(no alt)")
    assert not bare, (
        f"{page_path}: {len(bare)} of {len(descriptions)} figures undescribed: {bare[:5]}"
    )


def test_the_benchmarks_appendix_shows_tables():
    """Its results print as HTML tables (Markdown outputs render as MyST), not as paragraphs of
    pipes and dashes."""
    page = next(p for p in PAGES if p.endswith("benchmarks"))
    html = (HTML / f"{page}.html").read_text(encoding="utf-8")
    assert html.count("<table") >= 5, f"{page}: {html.count('<table')} tables"
    assert "|---|" not in html, f"{page}: a table printed as text"


@pytest.mark.parametrize("page_path", PAGES)
def test_download_links_work_offline(visits, page_path):
    """The theme's download button serves the page's source (the .ipynb for a chapter)."""
    page = visits(page_path).page
    links = page.eval_on_selector_all("a[href*='_sources/']", "links => links.map(a => a.href)")
    assert links, f"{page_path}: no download link to the page's source"
    for href in links:
        response = page.request.get(href)
        assert response.ok, f"{page_path}: download link {href} answers {response.status}"
        if href.endswith(".ipynb"):
            assert response.json()["cells"], f"{href} is not a notebook"


def test_the_intro_links_the_zip_that_runs_the_chapters(book_url):
    """The intro's download link (the zip of _ext/make_downloads.py, which Sphinx's download
    role copies into the site) answers from the built book with the chapters, optlib's wheel
    and a requirements.txt."""
    intro = PAGES[0]
    html = (HTML / f"{intro}.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<a [^>]*class="reference download internal"[^>]*>', html)
    links = [re.search(r'href="([^"]+)"', anchor).group(1) for anchor in anchors]
    assert any(link.endswith(".zip") for link in links), f"{intro}: no link to the zip"
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1
    for link in links:
        try:
            with local.open(urljoin(f"{book_url}/{intro}.html", link)) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            pytest.fail(f"{intro}: {link} answers {error.code}")
        if link.endswith(".zip"):
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
            for kind in ("requirements.txt", ".whl", ".ipynb"):
                assert any(name.endswith(kind) for name in names), f"{link} has no {kind}"


# axe-core, the accessibility engine, as bundled by the axe-playwright-python package (only its
# script is used). WCAG 2.1 levels A and AA, and label-content-name-mismatch, which axe-core
# ships turned off (experimental): a control's name must include the text it shows.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN_JS = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        rules: {"label-content-name-mismatch": {enabled: true}},
    });
    return result.violations.map(v => `${v.id} (${v.nodes.length}): ${v.nodes[0].target}`);
}"""


@functools.cache
def axe_script() -> str:
    from importlib.resources import files

    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_wcag_violation(visits, page_path, mode):
    """No WCAG 2.1 A/AA violation on any page, in light and in dark mode (the theme's colour
    mode is switched on the loaded page, as its button does)."""
    with colour_mode(visits(page_path).page, mode) as page:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(axe_script())
        violations = page.evaluate(AXE_RUN_JS, WCAG_TAGS)
    assert not violations, f"{page_path}, {mode} mode: " + "; ".join(violations)


@pytest.mark.parametrize("page_path", [p for p in PAGES if Path(p).name[:2].isdigit()])
def test_dark_mode_shows_figures_as_drawn(visits, page_path):
    """In dark mode the figures (drawn on white) are not dimmed by the theme's filter, and a
    static slider's caption keeps the page's colours instead of a light grey panel."""
    with colour_mode(visits(page_path).page, "dark") as page:
        filters = page.evaluate(
            """[...document.querySelectorAll('.cell_output img')]
                 .map(image => getComputedStyle(image).filter)"""
        )
        panels = page.evaluate(
            """[...document.querySelectorAll('.optlib-sweep')]
                 .map(s => getComputedStyle(s.closest('.cell_output .output')).backgroundColor)"""
        )
    assert set(filters) <= {"none"}, f"{page_path}: dimmed figures ({set(filters)})"
    assert set(panels) <= {"rgba(0, 0, 0, 0)"}, f"{page_path}: sliders on a panel ({panels})"


def test_no_dead_widgets(visits):
    for page_path in PAGES:
        dead = visits(page_path).page.locator(".jupyter-widgets, script[type*=widget-view]")
        assert dead.count() == 0, f"{page_path}: an ipywidgets widget with no kernel behind it"


def test_phone_menu_opens_the_table_of_contents(browser, book_url):
    """At a phone's width, chapter 1 (equations, figures, sliders) fits the screen (the
    context asks for dark mode, but _config.yml's default_mode: light wins), and the menu
    button a reader sees opens the table of contents. (Both themes listen
    on a hidden twin of that button, pydata-sphinx-theme#2451; _static/primary-toggle.js hands
    the visible button's clicks on to it.)"""
    context = browser.new_context(viewport=PHONE, color_scheme="dark")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        chapter = next(p for p in PAGES if Path(p).name[:2].isdigit())
        page.goto(f"{book_url}/{chapter}.html", wait_until="load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "phone-dark.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{chapter}: the page is {width} px wide on a 390 px screen"
        dialog = page.locator("#pst-primary-sidebar-modal")
        assert not dialog.evaluate("d => d.open"), "the menu is open before any tap"
        page.locator(".primary-toggle:visible").first.click()
        assert dialog.evaluate("d => d.open"), "the visible menu button did not open the menu"
        chapters = dialog.locator("a.reference.internal")
        assert chapters.count() >= len(PAGES) - 1, f"the menu lists {chapters.count()} pages"
        page.screenshot(path=str(SCREENSHOTS / "phone-dark-menu.png"))
    finally:
        context.close()


def test_search_snippets_show_math_as_text(browser, book_url):
    """The search page's snippets show math as a reader reads it, "η / (1 - β)", not as the
    TeX source the page holds before MathJax runs (_static/search-math.js)."""
    page = browser.new_page(viewport=DESKTOP)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        convert = "(tex) => window.optlibTexToText(tex)"
        page.goto(f"{book_url}/search.html?q=momentum", wait_until="load")
        assert page.evaluate(convert, r"\(\eta / (1 - \beta)\)") == "η / (1 - β)"
        assert page.evaluate(convert, r"\(\frac{\eta}{\sqrt{\hat v_t} + \epsilon}\)") == (
            "η/(√v_t + ε)"
        )
        assert page.evaluate(convert, r"\(\tfrac12 \eta\, \mathrm{mean}(g^2)\)") == (
            "½ η mean(g^2)"
        )
        page.wait_for_function(  # Sphinx's status line, once every result is listed
            "document.querySelector('#search-results .search-summary')"
            "?.textContent.includes('found')"
        )
        # ... but each page's snippet arrives by its own fetch, after that line (searchtools.js):
        # wait for a snippet under every result that is a page (an API entry has a
        # description instead), or the snippets read are whichever came first.
        page.wait_for_function(
            "[...document.querySelectorAll('#search-results li')].every("
            "li => li.querySelector('p.context') || li.querySelector(':scope > span'))"
        )
        texts = page.locator("#search-results p.context").all_inner_texts()
        assert len(texts) >= 5
        raw = [t for t in texts if re.search(r"\\[()\[\]]|\\[a-zA-Z]{2,}", t)]
        assert raw == [], f"snippets with TeX: {raw[:2]}"
        assert any("β" in t or "η" in t for t in texts), texts[:3]
    finally:
        page.close()
