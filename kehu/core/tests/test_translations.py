"""The zh-Hans catalogue is complete, compiled and matches the strings the code marks.

Three views of the same catalogue are checked against each other:

* the source: every string marked in kehu/**/*.py (found with `ast`, so implicit
  concatenation and keyword calls are seen as xgettext sees them) and in the templates
  (run through Django's own `templatize`, the step `makemessages` uses, so
  `{% blocktranslate %}` bodies become "%(var)s" msgids, trimmed when asked, and
  `_("…")` inside tags and filters is found);
* django.po, read by the small parser below: every entry translated, none fuzzy,
  placeholders kept, and every source string present;
* django.mo as Django loads it: every source string resolves to a Chinese string, and
  the compiled file says what the .po says (it was compiled after the last edit).

Django ships its own zh-Hans catalogue, so `gettext("Save")` would come out Chinese even
if our .po lacked it; the .po comparison is what catches a string nobody translated.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

KEHU = Path(__file__).resolve().parents[2]
LC_MESSAGES = KEHU / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# Strings that read the same in Chinese (product names, codes). Keep it minimal: an
# entry that is no longer marked anywhere fails test_same_in_chinese_is_minimal.
SAME_IN_CHINESE: set[str] = set()

# The keywords `makemessages` passes to xgettext for Python (Django's own plus the
# xgettext defaults): name -> (index of the context argument or None, index of msgid,
# index of msgid_plural or None).
PY_KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# What `templatize` writes for a translatable template string: gettext('…'),
# pgettext('ctx', '…'), ngettext('…', '…', count), npgettext(…), or _("…") left as typed.
TPL_CALL = re.compile(r"\b(_|gettext|pgettext|ngettext|npgettext)\(")
PY_LITERAL = re.compile(r"""\s*u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(,|\))""")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif%]|\{\w*\}|</?\w+[^>]*>")


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None = None
    context: str | None = None


# --- the source ---------------------------------------------------------------------


def _sources(pattern: str) -> list[Path]:
    skipped = {"tests", "migrations", ".venv", "node_modules"}
    return sorted(p for p in KEHU.rglob(pattern) if not skipped & set(p.relative_to(KEHU).parts))


def python_messages(text: str) -> set[Message]:
    found: set[Message] = set()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in PY_KEYWORDS:
            continue
        ctx_at, id_at, plural_at = PY_KEYWORDS[name]
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        wanted = [i for i in (ctx_at, id_at, plural_at) if i is not None]
        if any(i >= len(args) or args[i] is None for i in wanted):
            continue  # a variable or f-string: xgettext does not extract it either
        found.add(Message(args[id_at], None if plural_at is None else args[plural_at], None if ctx_at is None else args[ctx_at]))
    return found


def template_messages(text: str) -> set[Message]:
    code = templatize(text)
    found: set[Message] = set()
    for call in TPL_CALL.finditer(code):
        args: list[str] = []
        pos = call.end()
        while m := PY_LITERAL.match(code, pos):
            args.append(ast.literal_eval(m.group(1)))
            pos = m.end()
            if m.group(2) == ")":
                break
        kind = call.group(1)
        if kind in ("_", "gettext") and args:
            found.add(Message(args[0]))
        elif kind == "pgettext" and len(args) >= 2:
            found.add(Message(args[1], context=args[0]))
        elif kind == "ngettext" and len(args) >= 2:
            found.add(Message(args[0], args[1]))
        elif kind == "npgettext" and len(args) >= 3:
            found.add(Message(args[1], args[2], args[0]))
    return found


def source_messages() -> set[Message]:
    found: set[Message] = set()
    for path in _sources("*.py"):
        found |= python_messages(path.read_text("utf-8"))
    for path in _sources("*.html"):
        found |= template_messages(path.read_text("utf-8"))
    return found


# --- the .po file -------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def message(self) -> Message:
        return Message(self.msgid, self.plural, self.context)


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_PO_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _po_string(quoted: str, where: int) -> str:
    quoted = quoted.strip()
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        raise ValueError(f"django.po:{where}: not a quoted string: {quoted}")
    return re.sub(r"\\(.)", lambda m: _PO_ESCAPES[m.group(1)], quoted[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file, the header (msgid "") included; obsolete (#~) ones left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()  # "#," lines seen before the entry they belong to
    last: tuple[str, int] | None = None  # the keyword a continuation line extends

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            last = None
            continue
        if line.startswith('"'):
            if entry is None or last is None:
                raise ValueError(f"django.po:{number}: continuation line outside an entry")
            keyword, slot = last
            piece = _po_string(line, number)
            if keyword == "msgstr":
                entry.msgstr[slot] += piece
            elif keyword == "msgid":
                entry.msgid += piece
            elif keyword == "msgid_plural":
                entry.plural = (entry.plural or "") + piece
            else:
                entry.context = (entry.context or "") + piece
            continue
        m = _PO_KEYWORD.match(line)
        if not m:
            raise ValueError(f"django.po:{number}: cannot read {raw!r}")
        keyword, value = m.group(1).split("[")[0], _po_string(m.group(3), number)
        if keyword == "msgctxt" or (keyword == "msgid" and (last is None or last[0] != "msgctxt")):
            entry, flags = Entry(flags=flags, line=number), set()
            entries.append(entry)
        if entry is None:
            raise ValueError(f"django.po:{number}: {keyword} before msgid")
        slot = int(m.group(2) or 0)
        if keyword == "msgctxt":
            entry.context = value
        elif keyword == "msgid":
            entry.msgid = value
        elif keyword == "msgid_plural":
            entry.plural = value
        else:
            entry.msgstr[slot] = value
        last = (keyword, slot)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return [e for e in parse_po(PO_FILE.read_text("utf-8")) if e.msgid or e.context is not None]


@pytest.fixture(scope="module")
def po_header() -> dict[str, str]:
    header = next(e for e in parse_po(PO_FILE.read_text("utf-8")) if e.msgid == "" and e.context is None)
    pairs = (line.split(":", 1) for line in header.msgstr.get(0, "").splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def test_the_po_parser_reads_continuations_plurals_and_contexts():
    sample = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "menu"\nmsgid "Open"\nmsgstr "打开"\n\n'
        'msgid ""\n"Line one, "\n"line \\"two\\"\\n"\nmsgstr ""\n"第一行，"\n"第二行"\n\n'
        '#, python-format\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "已删"\n'
    )
    header, menu, long, plural = parse_po(sample)
    assert header.msgstr[0] == "Plural-Forms: nplurals=1; plural=0;\n"
    assert (menu.context, menu.msgid, menu.msgstr, menu.flags) == ("menu", "Open", {0: "打开"}, {"fuzzy", "python-format"})
    assert (long.msgid, long.msgstr[0]) == ('Line one, line "two"\n', "第一行，第二行")
    assert (plural.msgid, plural.plural, plural.msgstr) == ("%(n)s day", "%(n)s days", {0: ""})


def test_the_source_scanner_sees_what_makemessages_sees():
    python = 'x = _("a" "b")\ny = pgettext_lazy("menu", "Open")\nz = ngettext("%(n)d day", "%(n)d days", n)\nw = _(name)\n'
    assert python_messages(python) == {Message("ab"), Message("Open", context="menu"), Message("%(n)d day", "%(n)d days")}
    template = (
        "{% load i18n %}{% translate 'One' %}{% trans \"Two\" context \"menu\" %}"
        "{% blocktranslate trimmed with who=user.name %}\n  Hello   {{ who }},\n  100% sure\n{% endblocktranslate %}"
        "{% blocktrans count n=k %}{{ n }} item{% plural %}{{ n }} items{% endblocktrans %}"
        '{{ x|default:_("Three") }}'
    )
    assert template_messages(template) == {
        Message("One"), Message("Two", context="menu"), Message("Hello   %(who)s, 100%% sure"),
        Message("%(n)s item", "%(n)s items"), Message("Three"),
    }


def test_the_catalogue_is_complete_and_nothing_is_fuzzy(po_entries):
    assert len(po_entries) > 50
    fuzzy = [e.msgid for e in po_entries if "fuzzy" in e.flags]
    empty = [e.msgid for e in po_entries if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert fuzzy == []
    assert empty == []


def test_plural_entries_have_the_forms_the_header_declares(po_entries, po_header):
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po_header["Plural-Forms"]).group(1))
    assert nplurals == 1  # Chinese has no plural: one form
    wrong = [e.msgid for e in po_entries if e.plural is not None and sorted(e.msgstr) != list(range(nplurals))]
    assert wrong == []
    assert [e.msgid for e in po_entries if e.plural is None and sorted(e.msgstr) != [0]] == []


def test_translations_keep_every_placeholder(po_entries):
    # Chinese has one form for every count, so a plural entry follows the plural msgid
    # ("The last week…|The last %(n)s weeks…" → "最近 %(n)s 周…").
    broken = [
        (e.msgid, text)
        for e in po_entries for text in e.msgstr.values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.plural or e.msgid))
    ]
    assert broken == []


def test_every_marked_string_is_in_the_po_file(po_entries):
    """makemessages was run after the last string was marked (source ⊆ catalogue)."""
    messages = source_messages()
    assert len(messages) > 50
    in_po = {e.message for e in po_entries}
    assert sorted(messages - in_po, key=str) == []


def test_the_compiled_catalogue_matches_the_po_file(po_entries):
    """django.mo was compiled after the last edit of django.po."""
    with MO_FILE.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    stale = []
    for e in po_entries:
        if e.context is not None:
            got = compiled.pgettext(e.context, e.msgid) if e.plural is None else compiled.npgettext(e.context, e.msgid, e.plural, 1)
        else:
            got = compiled.gettext(e.msgid) if e.plural is None else compiled.ngettext(e.msgid, e.plural, 1)
        if got != e.msgstr.get(0):
            stale.append(e.msgid)
    assert stale == []


def test_every_marked_string_has_a_zh_hans_translation():
    """Through Django's gettext with zh-hans active, i.e. the .mo as the site loads it."""
    messages = source_messages()
    assert len(messages) > 50
    missing = []
    with translation.override("zh-hans"):
        for m in messages:
            if m.msgid in SAME_IN_CHINESE:
                continue
            if m.plural is None:
                got = translation.gettext(m.msgid) if m.context is None else translation.pgettext(m.context, m.msgid)
                if got == m.msgid:
                    missing.append(m)
            else:
                for n, english in ((1, m.msgid), (2, m.plural)):
                    got = (
                        translation.ngettext(m.msgid, m.plural, n) if m.context is None
                        else translation.npgettext(m.context, m.msgid, m.plural, n)
                    )
                    if got == english:
                        missing.append(m)
    assert sorted(missing, key=str) == []


def test_same_in_chinese_is_minimal():
    assert SAME_IN_CHINESE <= {m.msgid for m in source_messages()}


def test_the_english_interface_shows_the_source_strings():
    with translation.override("en"):
        assert translation.gettext("Customers") == "Customers"
