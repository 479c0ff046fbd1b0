"""The docstrings behind the API page (chapters/api.md) describe every public parameter.

The page is autodoc with napoleon (NumPy style, ``autodoc_typehints: none``): what a reader
learns about an argument is its entry under "Parameters". These tests read the same objects
autodoc documents (the ``automodule`` directives of api.md and their options) and hold each
docstring to its signature: one entry per parameter, in the signature's order, each with a
description and, when the parameter has a default, that default.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "chapters" / "api.md"


def automodules() -> list[tuple[str, dict[str, str]]]:
    """``(module name, {option: value})`` for each ``automodule`` directive of api.md."""
    text = API.read_text(encoding="utf-8")
    pattern = r"^\.\. automodule:: (optlib\.\w+)\n((?:[ \t]+:[\w-]+:.*\n?)*)"
    return [
        (m.group(1), {k: v.strip() for k, v in re.findall(r":([\w-]+):(.*)", m.group(2))})
        for m in re.finditer(pattern, text, flags=re.M)
    ]


def _names(option: str | None) -> set[str]:
    return {n.strip() for n in (option or "").split(",") if n.strip()}


def documented() -> list[tuple[str, object, str]]:
    """``(qualified name, object, kind)`` for what the page documents: the modules' public
    functions and classes (``kind`` "callable") and the classes' public methods that have a
    docstring, their own or inherited (``kind`` "method"), as autodoc picks them."""
    found = []
    for name, options in automodules():
        module = importlib.import_module(name)
        excluded = _names(options.get("exclude-members"))
        members = _names(options.get("members")) or set(
            getattr(module, "__all__", None) or [n for n in vars(module) if n[0] != "_"]
        )
        for member in sorted(members - excluded):
            obj = getattr(module, member)
            if getattr(obj, "__module__", None) != name or not callable(obj):
                continue  # re-exports and data; an alias of a class is documented as its class
            if obj.__name__ != member:
                continue
            found.append((f"{name}.{member}", obj, "callable"))
            if not inspect.isclass(obj):
                continue
            for attr, value in vars(obj).items():
                if attr[0] == "_" or attr in excluded:
                    continue
                if isinstance(value, (classmethod, staticmethod)):
                    value = value.__func__
                if inspect.isfunction(value) and inspect.getdoc(getattr(obj, attr)):
                    found.append((f"{name}.{member}.{attr}", getattr(obj, attr), "method"))
    return found


def sections(doc: str) -> dict[str, list[str]]:
    """The lines of each NumPy-style section (``Parameters``, ``Attributes``, ...)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    found, current = {}, None
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip()) and line.strip():
            current = found.setdefault(line.strip(), [])
        elif current is not None and not re.fullmatch(r"-{3,}", line.strip()):
            current.append(line)
    return found


def entries(lines: list[str]) -> list[tuple[str, str, str]]:
    """``(name, type, description)`` of each entry of a section: ``name : type`` at the left
    margin, the description indented below it."""
    found = []
    for line in lines:
        if line and not line[0].isspace():
            name, _, kind = line.partition(" : ")
            found.append([name.strip(), kind.strip(), ""])
        elif found:
            found[-1][2] += line.strip() + " "
    return [(n, k, d.strip()) for n, k, d in found]


def parameters(obj) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(obj).parameters.values() if p.name not in ("self", "cls")]


def docstring(obj) -> str:
    # A class's own docstring: the page shows it above the constructor's signature.
    return (obj.__dict__.get("__doc__") or "") if inspect.isclass(obj) else inspect.getdoc(obj)


def is_record(cls, doc: str) -> bool:
    """A NamedTuple or dataclass whose fields are documented as attributes instead."""
    if not inspect.isclass(cls):
        return False
    fields = getattr(cls, "_fields", None) or list(getattr(cls, "__dataclass_fields__", {}))
    if not fields:
        return False
    attributes = {n for n, _, _ in entries(sections(doc).get("Attributes", []))}
    # A NamedTuple's fields carry docstrings of their own (the dataclasses' class attributes
    # are their defaults, whose docstrings say nothing about the field).
    getters = vars(cls) if hasattr(cls, "_fields") else {}
    own = {f for f in getters if f in fields and not getters[f].__doc__.startswith("Alias")}
    return set(fields) <= attributes | own


def states_default(kind: str, default) -> str:
    """What is wrong with the type of an entry for a parameter with ``default``: "" when its
    type says ``default <value>`` (or, for None, ``optional``)."""
    match = re.search(r"\bdefault:?\s+(.+)$", kind)
    if match is None:
        ok = default is None and re.search(r"\boptional\b", kind)
        return "" if ok else f"its type {kind!r} does not state its default {default!r}"
    text = match.group(1).strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):  # a name such as np.float32
        same = text.rsplit(".", 1)[-1] == getattr(default, "__name__", object())
        return "" if same else f"documented default {text!r} is not {default!r}"
    if value == default or (isinstance(value, list) and tuple(value) == default):
        return ""
    return f"documented default {text!r} is not {default!r}"


CALLABLES = [(n, o) for n, o, kind in documented() if kind == "callable"]
METHODS = [(n, o) for n, o, kind in documented() if kind == "method"]


def test_the_api_page_documents_every_public_module():
    """chapters/api.md promises everything the chapters call: every public module of optlib."""
    documented = {name for name, _ in automodules()}
    public = {f"optlib.{p.stem}" for p in (ROOT / "optlib").glob("*.py") if p.stem[0] != "_"}
    assert public - documented == set(), f"not on the API page: {sorted(public - documented)}"


def test_the_page_documents_something():
    assert len(CALLABLES) >= 60 and len(METHODS) >= 25, (len(CALLABLES), len(METHODS))


@pytest.mark.parametrize("name, obj", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_every_parameter_is_described_on_its_own_with_its_default(name, obj):
    params = parameters(obj)
    doc = docstring(obj)
    if not params or is_record(obj, doc):
        return
    listed = entries(sections(doc).get("Parameters", []))
    assert listed, f"{name}{inspect.signature(obj)} has no Parameters section"
    problems = []
    for entry, _, description in listed:
        if "," in entry:
            problems.append(f"{entry!r} documents several parameters in one entry")
        if not description:
            problems.append(f"{entry!r} has no description")
    names = [entry.lstrip("*") for entry, _, _ in listed]
    signature = [p.name for p in params]
    if names != signature:
        problems.append(f"Parameters lists {names}, the signature has {signature}")
    for p in params:
        kind = next((k for n, k, _ in listed if n.lstrip("*") == p.name), None)
        if kind is not None and p.default is not p.empty:
            wrong = states_default(kind, p.default)
            if wrong:
                problems.append(f"{p.name}: {wrong}")
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name, obj", METHODS, ids=[n for n, _ in METHODS])
def test_every_documented_method_names_its_parameters(name, obj):
    doc = inspect.getdoc(obj)
    listed = {n.lstrip("*") for n, _, _ in entries(sections(doc).get("Parameters", []))}
    missing = [
        p.name
        for p in parameters(obj)
        if p.name not in listed and not re.search(rf"(?<![\w.]){re.escape(p.name)}(?!\w)", doc)
    ]
    assert not missing, f"{name}'s docstring never mentions {missing}: {doc!r}"


@pytest.mark.parametrize("name, obj", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_no_field_reads_alias_for_field_number(name, obj):
    """A NamedTuple field's own docstring is "Alias for field number N": give each one."""
    for field in getattr(obj, "_fields", ()) if inspect.isclass(obj) else ():
        doc = getattr(obj, field).__doc__ or ""
        assert not doc.startswith("Alias for field"), f"{name}.{field}: {doc!r}"


def test_the_state_types_are_not_listed_as_aliases():
    """``State`` (an optimizer's state type) would read "alias of SGDState": the state classes
    are documented on their own, so the page leaves the class attribute out."""
    for name, options in automodules():
        module = importlib.import_module(name)
        if any(getattr(getattr(module, n, None), "State", None) for n in module.__all__):
            assert "State" in _names(options.get("exclude-members")), name


@pytest.mark.parametrize("name", [n for n, _ in automodules()])
def test_module_docstrings_address_users(name):
    """A module's docstring is the page's section text: no notes for the book's authors."""
    doc = importlib.import_module(name).__doc__
    assert doc and doc.strip(), f"{name} has no docstring"
    for note in ("For authors", "_config.yml", "nb_mime_priority", "cell tags"):
        assert note not in doc, f"{name}'s docstring holds a note for authors: {note!r}"
