"""The Traditional Chinese (zh_Hant) catalogues, generated from the Simplified ones (zh_Hans).

Members from Hong Kong and Macao read the pages in traditional script. Nobody translates twice:
each ``locale/zh_Hans/LC_MESSAGES/*.po`` (the project's and every app's) is converted with OpenCC's
``s2hk`` profile — Hong Kong characters (為, 裏, 着) and the phrases Hong Kong uses (網絡, 信息),
which is what a HK or Macao member reads every day; ``s2twp`` would give Taiwan's (網路, 資訊) — into
the matching ``zh_Hant`` file, msgids kept, msgstrs converted.

A converted string someone has corrected by hand is marked with the flag ``#, reviewed`` in the
zh_Hant file; the next run keeps its msgstr (and its translator comments) as long as the msgid is
still in the zh_Hans catalogue. Everything else is regenerated, so the committed zh_Hant files are
always ``make_hant``'s output: ``manage.py make_hant`` writes them, and a test fails when they are
not current.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

PROFILE = "s2hk"
REVIEWED = "reviewed"
HEADER_NOTE = (
    "# Generated from zh_Hans by `manage.py make_hant` (OpenCC s2hk); do not edit by hand,\n"
    "# except to correct an entry: mark it `#, reviewed` and the next run keeps it.\n"
)

_KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$")


@functools.cache
def _converter() -> Any:  # opencc ships no type hints
    import opencc

    return opencc.OpenCC(PROFILE)


def to_hant(text: str) -> str:
    """Simplified → Hong Kong traditional; ASCII (and so .po escapes like ``\\n``, ``%(name)s``) is untouched."""
    return _converter().convert(text) if text else text


# The scripts converted from the Simplified wording, by language code.
CONVERTERS: dict[str, Callable[[str], str]] = {"zh-hant": to_hant}


def reader_converter() -> Callable[[str], str] | None:
    """The conversion for the active language, or None when the reader reads Simplified. The one
    place that decides it: templates, loop labels, downloads and system wording all ask here."""
    from django.utils import translation

    return CONVERTERS.get(translation.get_language() or "")


def for_reader(text: str) -> str:
    """A text that is not a page (a notice and its e-mail, written for their recipient) in the active
    reader's script: converted for 繁體 (zh-hant), as written otherwise. Pages go through
    :func:`convert_html`."""
    convert = reader_converter()
    return convert(text) if convert is not None else text


# --- pages ----------------------------------------------------------------------------------------
#
# A 繁體 reader's page is converted whole, once, after it is rendered (``core.middleware.
# ReaderScriptMiddleware``): the templates' wording, the labels, choices, form errors and messages
# written in Python, and what the records hold, as they are shown. What the page would send back is
# left exactly as rendered, so saving a form never rewrites what somebody typed: a field's value
# (inputs of every kind, hidden ones included), a textarea's text, an option's value (and the text
# of an option that has none, which is then its value), links and every other attribute that is not
# read by a person. The attributes a person reads are listed here. A JSON block (``json_script``)
# is what the page's scripts draw (the charts' labels): it is converted; no page posts one back.

SHOWN_ATTRIBUTES = frozenset(
    {
        "title",
        "alt",
        "placeholder",
        "label",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-valuetext",
        "data-label",  # a table cell's heading on a phone (CSS attr())
        "data-confirm",  # the question app.js asks before a form is sent
        "data-pressed-label",  # a toggle button's text once pressed (assist.js)
        "hx-confirm",
        "hx-prompt",
    }
)
# An <input> of these types shows its value as the button's text; a named submit sends it, so only
# an unnamed one (or a plain button) is converted.
_BUTTON_TYPES = frozenset({"button", "reset"})

_SEP = "\x1e"  # passes through OpenCC as it is and ends a phrase (頭\x1e發 stays 頭\x1e發)
_IN_TAG = r"[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*"  # attributes, quoted values may hold ">"
_MARKUP = re.compile(
    r"<!--.*?-->"
    rf"|<(script|style|textarea)\b{_IN_TAG}>(.*?)</\1\s*>"
    rf"|<([A-Za-z][\w:-]*){_IN_TAG}>",
    re.S | re.I,
)
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class _Page:
    """A page cut into pieces: those a reader sees (converted together, in one call) and the rest."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.shown: list[int] = []
        self.json: set[int] = set()

    def keep(self, text: str) -> None:
        self.pieces.append(text)

    def show(self, text: str, *, json_text: bool = False) -> None:
        if not text.isascii():
            if json_text:
                self.json.add(len(self.pieces))
            self.shown.append(len(self.pieces))
        self.pieces.append(text)

    def tag(self, tag: str, start: int) -> bool:
        """A start tag, its shown attributes converted; True when it is an <option> without a value."""
        name = tag[1:start].lower()
        if tag.isascii():
            self.keep(tag)
            if name != "option":
                return False
        attrs = [(m.group(1).lower(), m) for m in _ATTR.finditer(tag, start, len(tag) - 1)]
        if tag.isascii():
            return all(a != "value" for a, _ in attrs)
        values = {a: _value(m) for a, m in attrs}
        kind = (values.get("type") or "").lower()
        button_text = name == "input" and (kind in _BUTTON_TYPES or (kind == "submit" and "name" not in values))
        at = 0
        for attr, m in attrs:
            group = next((g for g in (2, 3, 4) if m.group(g) is not None), None)
            if group is None or not (attr in SHOWN_ATTRIBUTES or (attr == "value" and button_text)):
                continue
            self.keep(tag[at : m.start(group)])
            self.show(m.group(group))
            at = m.end(group)
        self.keep(tag[at:])
        return name == "option" and "value" not in values

    def text(self, convert: Callable[[str], str]) -> str:
        if self.shown:
            parts = [self.pieces[i] for i in self.shown]
            joined = _SEP.join(parts)
            out = convert(joined).split(_SEP) if joined.count(_SEP) == len(parts) - 1 else []
            if len(out) != len(parts):  # a piece held the separator itself: one call each
                out = [convert(p) for p in parts]
            for i, converted in zip(self.shown, out, strict=True):
                self.pieces[i] = converted.translate(_JSON_ESCAPES) if i in self.json else converted
        return "".join(self.pieces)


def convert_html(html: str, convert: Callable[[str], str]) -> str:
    """``html`` as a reader of the converted script sees it, what the page sends back left as it is
    (see :data:`SHOWN_ATTRIBUTES` above)."""
    page = _Page()
    at = 0
    value_less_option = False
    for m in _MARKUP.finditer(html):
        if m.group(3) is not None and m.group().isascii() and m.group(3).lower() != "option":
            continue  # a tag with nothing to convert stays inside the text around it (OpenCC leaves ASCII)
        if m.start() > at:
            # the text of an <option> without a value attribute is the value it sends
            (page.keep if value_less_option else page.show)(html[at : m.start()])
        value_less_option = False
        raw = m.group(1)
        if raw is not None:
            open_end = m.start(2)
            page.tag(html[m.start() : open_end], 1 + len(raw))
            body = m.group(2)
            if raw.lower() == "script" and "application/json" in html[m.start() : open_end].lower():
                _json_block(page, body)
            else:  # a script's code, a style sheet, a textarea's text (what the form sends)
                page.keep(body)
            page.keep(html[m.end(2) : m.end()])
        elif m.group(3) is not None:
            value_less_option = page.tag(m.group(), 1 + len(m.group(3)))
        else:
            page.keep(m.group())  # a comment
        at = m.end()
    if at < len(html):
        (page.keep if value_less_option else page.show)(html[at:])
    return page.text(convert)


def _value(m: re.Match[str]) -> str | None:
    return next((v for v in (m.group(2), m.group(3), m.group(4)) if v is not None), None)


def _json_block(page: _Page, body: str) -> None:
    """A ``json_script`` block holds its Chinese as \\u escapes: read, converted as text, written back."""
    try:
        text = json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        text = ""
    if text.isascii():
        page.keep(body)
    else:
        page.show(text, json_text=True)


@dataclass
class Entry:
    """One block of a .po file: its comment lines and its keyword fields, each a list of quoted lines."""

    comments: list[str] = field(default_factory=list)
    fields: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple("".join(v) for k, v in self.fields if not k.startswith("msgstr"))

    @property
    def flags(self) -> list[str]:
        return [f.strip() for c in self.comments if c.startswith("#,") for f in c[2:].split(",") if f.strip()]

    @property
    def is_header(self) -> bool:
        return self.key == ('""',)

    def text(self) -> str:
        lines = list(self.comments)
        for keyword, values in self.fields:
            lines.append(f"{keyword} {values[0]}")
            lines.extend(values[1:])
        return "\n".join(lines) + "\n"


def parse(text: str) -> list[Entry]:
    """The entries of a .po file, in order; obsolete entries (``#~``) are left out."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        entry = Entry()
        for line in block.splitlines():
            if line.startswith("#~"):
                continue
            if line.startswith("#"):
                entry.comments.append(line)
            elif line.startswith('"') and entry.fields:
                entry.fields[-1][1].append(line)
            elif m := _KEYWORD.match(line):
                entry.fields.append((m.group(1), [m.group(2)]))
            elif line.strip():
                raise ValueError(f"unreadable .po line: {line!r}")
        if entry.fields:
            entries.append(entry)
    return entries


def _convert_lines(values: list[str]) -> list[str]:
    """Convert a msgstr's quoted lines as one string (a phrase may be wrapped over two lines)."""
    inner = [v[1:-1] for v in values]
    joined = "".join(inner)
    converted = to_hant(joined)
    if len(converted) != len(joined):
        return [f'"{converted}"']
    out, at = [], 0
    for part in inner:
        out.append(f'"{converted[at : at + len(part)]}"')
        at += len(part)
    return out


def _comment_order(line: str) -> int:
    """gettext's order: translator and extracted comments, references, flags, previous msgids."""
    return {"#:": 1, "#,": 2, "#|": 3}.get(line[:2], 0)


def _header(entry: Entry) -> Entry:
    fields = [(k, [v.replace("Language: zh_Hans", "Language: zh_Hant") for v in vs]) for k, vs in entry.fields]
    return Entry(comments=list(entry.comments), fields=fields)


def generate(hans_text: str, hant_text: str = "") -> str:
    """The zh_Hant catalogue for a zh_Hans one, keeping the entries of ``hant_text`` flagged reviewed."""
    reviewed = {e.key: e for e in parse(hant_text) if REVIEWED in e.flags} if hant_text else {}
    blocks = [HEADER_NOTE.rstrip("\n")]
    for entry in parse(hans_text):
        if entry.is_header:
            blocks.append(_header(entry).text().rstrip("\n"))
            continue
        kept = reviewed.get(entry.key)
        if kept is not None:
            # the hand-made msgstr, flags and translator comments; the source references are today's
            comments = [c for c in kept.comments if not c.startswith(("#:", "#|"))]
            comments += [c for c in entry.comments if c.startswith(("#:", "#|"))]
            comments.sort(key=_comment_order)
            fields = [(k, v) for k, v in entry.fields if not k.startswith("msgstr")]
            fields += [(k, v) for k, v in kept.fields if k.startswith("msgstr")]
            blocks.append(Entry(comments=comments, fields=fields).text().rstrip("\n"))
            continue
        fields = [(k, _convert_lines(v) if k.startswith("msgstr") else v) for k, v in entry.fields]
        blocks.append(Entry(comments=list(entry.comments), fields=fields).text().rstrip("\n"))
    return "\n\n".join(blocks) + "\n"


def catalogues() -> list[tuple[Path, Path]]:
    """(zh_Hans .po, zh_Hant .po) for the project's locale directory and every app of the project's."""
    base = Path(settings.BASE_DIR).resolve()
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(base / ".venv"):
            dirs.append(path / "locale")
    pairs = []
    for d in dict.fromkeys(dirs):
        for po in sorted((d / "zh_Hans" / "LC_MESSAGES").glob("*.po")):
            pairs.append((po, d / "zh_Hant" / "LC_MESSAGES" / po.name))
    return pairs


def stale() -> list[Path]:
    """The zh_Hant files that ``make_hant`` would change."""
    out = []
    for hans, hant in catalogues():
        current = hant.read_text(encoding="utf-8") if hant.exists() else ""
        if generate(hans.read_text(encoding="utf-8"), current) != current:
            out.append(hant)
    return out


def write_all() -> list[Path]:
    """Write every zh_Hant catalogue; returns those that changed."""
    changed = []
    for hans, hant in catalogues():
        current = hant.read_text(encoding="utf-8") if hant.exists() else ""
        new = generate(hans.read_text(encoding="utf-8"), current)
        if new != current:
            hant.parent.mkdir(parents=True, exist_ok=True)
            hant.write_text(new, encoding="utf-8")
            changed.append(hant)
    return changed
