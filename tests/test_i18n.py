"""Translations: the catalogue covers every text of the code, faithfully, in French typography."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from podcast_tool import errors, i18n
from tests.conftest import ROOT

PACKAGE = ROOT / "podcast_tool"
FRENCH = i18n.catalogue_path("fr")
CLICK_FRENCH = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "click.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def extracted() -> dict[str, tuple[str, int]]:
    """Every msgid the code marks, as ``make messages`` finds them: msgid -> (file, line)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, tuple[str, int]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, (filename, line))
    return found


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def fields(text: str) -> set[str]:
    """Names of the ``{placeholders}`` (conversions may differ: « {name} » for {name!r})."""
    names = {name.split(".")[0].split("[")[0]
             for _literal, name, _spec, _conversion in string.Formatter().parse(text)
             if name is not None}
    return names | set(re.findall(r"%\((\w+)\)", text))


def test_every_marked_text_has_a_french_translation() -> None:
    catalog = read(FRENCH)
    missing = []
    for text, (filename, line) in sorted(extracted().items(), key=lambda item: item[1]):
        message = catalog.get(text)
        if message is None or message.fuzzy or not all(forms(message.string)):
            missing.append(f"{filename}:{line}: {text!r}")
    assert not missing, ("texts without French (run `make messages`, then translate them in "
                         f"{FRENCH.relative_to(ROOT)}):\n" + "\n".join(missing))


def test_the_catalogue_holds_no_text_the_code_no_longer_has() -> None:
    stale = sorted(set(map(msgid, entries(read(FRENCH)))) - set(extracted()))
    assert not stale, f"run `make messages` to drop texts gone from the code: {stale}"


@pytest.mark.parametrize("path", [FRENCH, CLICK_FRENCH], ids=lambda p: p.name)
def test_translations_keep_the_placeholders_of_their_source(path: Path) -> None:
    wrong = []
    for message in entries(read(path)):
        sources = forms(message.id)
        expected = set().union(*(fields(source) for source in sources))
        for translation in forms(message.string):
            # A singular form may say "1" instead of {count}, as English's own singular may.
            allowed = expected if len(sources) > 1 else fields(sources[0])
            got = fields(translation)
            if got - allowed or (len(sources) == 1 and got != allowed):
                wrong.append(f"{msgid(message)!r}: {translation!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", [FRENCH, CLICK_FRENCH], ids=lambda p: p.name)
def test_every_entry_is_translated(path: Path) -> None:
    untranslated = [msgid(m) for m in entries(read(path)) if m.fuzzy or not all(forms(m.string))]
    assert not untranslated


def test_no_translation_call_hides_inside_an_fstring() -> None:
    """Extraction does not look inside f-strings: ``f"{_('error:')}"`` would go untranslated."""
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.relative_to(ROOT)}:{call.lineno}" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and _called_name(call) in TRANSLATING_CALLS]
    assert not hidden, f"translate into a variable first, then use it in the f-string: {hidden}"


def test_no_function_rebinds_the_translation_function() -> None:
    """``episode, _ = load()`` in a function that also calls ``_()`` would call a tuple."""
    clashes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            names = [node for node in ast.walk(function) if isinstance(node, ast.Name)
                     and node.id == "_"]
            if any(isinstance(n.ctx, ast.Store) for n in names) and any(
                    isinstance(n.ctx, ast.Load) for n in names):
                clashes.append(f"{path.relative_to(ROOT)}:{function.lineno}")
    assert not clashes, f"name the unused value something other than _ here: {clashes}"


def test_placeholders_are_named() -> None:
    anonymous = [text for text in extracted()
                 if any(name is not None and (name == "" or name.isdigit())
                        for _l, name, _s, _c in string.Formatter().parse(text))]
    assert not anonymous, f"use named placeholders, {{count}} not {{}}: {anonymous}"


def french_typography_errors(text: str) -> list[str]:
    bare = re.sub(r"\{[^{}]*\}|`[^`]*`", "X", text)  # placeholders and `code` are not prose
    problems = []
    if re.search(r" [:;?!»]", bare):
        problems.append("a plain space before : ; ? ! or »")
    if re.search(r"« ", bare):
        problems.append("a plain space after «")
    if re.search(r"[\w)»][;?!]|[\w)»]:(\s|$)", bare):
        problems.append("no space before : ; ? !")
    if re.search(r"«[^\u00a0\u202f]|[^\u00a0\u202f]»", bare):
        problems.append("guillemets without no-break spaces inside")
    return problems


def test_french_messages_follow_french_typography() -> None:
    wrong = []
    for path in (FRENCH, CLICK_FRENCH):
        for message in entries(read(path)):
            for translation in forms(message.string):
                problems = french_typography_errors(translation)
                if path == FRENCH and decimal_point(translation):
                    problems.append("a decimal point (French writes 1,5)")
                if problems:
                    wrong.append(f"{translation!r}: {', '.join(problems)}")
    assert not wrong, "\n".join(wrong)


def decimal_point(text: str) -> bool:
    """A decimal point in prose; versions (ID3v2.3), command-line values ([default: 0.8],
    `--window 2.5`) and the time syntax of chapter files (00:07:00.000) keep theirs."""
    prose = re.sub(r"\[[^\]]*\]|`[^`]*`|(v|iOS |Android |Bash |Podcasting )\d+(\.\d+)+|\d+(:\d\d)+\.\d+", "",
                   text)
    return re.search(r"\d\.\d", prose) is not None


def test_the_typography_check_catches_english_spacing() -> None:
    assert decimal_point("une pause de 0.8 s") and not decimal_point("ID3v2.3 [par défaut : 0.8]")
    assert not decimal_point("un temps comme 00:07:00.000 ou 1:02:03.5")
    assert french_typography_errors("erreur: fichier")
    assert french_typography_errors("erreur : fichier")
    assert french_typography_errors("« titre »")
    assert french_typography_errors("vraiment?")
    assert not french_typography_errors("erreur\u00a0: «\u00a0{title}\u00a0» 0'20 ou 00:20\u202f?")


# --- Texts built without _() ------------------------------------------------------------------

#: Calls whose text arguments reach the user -> which positional arguments (None: all of them).
USER_TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    name: (0,) for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.PodcastToolError)}
USER_TEXT_CALLS |= {"Diagnostic": (2, 5), "note": (2,), "Finding": (1,),
                   "print": None, "echo": None, "secho": None,
                    "add_column": (0,), "Table": None, "add_task": (0,), "log": None,
                    "rule": None, "status": None, "confirm": (0,), "prompt": (0,)}
USER_TEXT_KEYWORDS = {"hint", "help", "message", "title", "description", "caption", "label",
                      "none_hint"}
#: Keywords that carry user text only in these calls (elsewhere "name" is an identifier).
USER_TEXT_CALL_KEYWORDS: dict[str, set[str]] = {"App": {"name"}}
TRANSLATING_CALLS = {"_", "gettext", "ngettext", "N_", "pgettext", "npgettext"}
#: Rich markup and other non-words inside a literal.
_NOT_WORDS = re.compile(r"\[/?[a-z ]*\]|\\[nt]")


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_words(node: ast.AST) -> bool:
    """A literal text (or f-string, or concatenation, or "…".format()) with words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # Lower-case letters make words; "MP3", "WAV" or "#" are names and symbols.
        return bool(re.search(r"[a-z]{2}", _NOT_WORDS.sub("", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_words(node.left) or _is_words(node.right)
    if isinstance(node, ast.IfExp):
        return _is_words(node.body) or _is_words(node.orelse)
    if isinstance(node, ast.Call) and _called_name(node) == "format":
        return isinstance(node.func, ast.Attribute) and _is_words(node.func.value)
    return False


def untranslated_texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line, source) of each text argument of a user-text call that does not go through _()."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or _called_name(node) in TRANSLATING_CALLS:
            continue
        keywords = USER_TEXT_KEYWORDS | USER_TEXT_CALL_KEYWORDS.get(_called_name(node), set())
        arguments = [keyword.value for keyword in node.keywords if keyword.arg in keywords]
        positions = USER_TEXT_CALLS.get(_called_name(node), ())
        arguments += [argument for index, argument in enumerate(node.args)
                      if positions is None or index in positions]
        for argument in sorted(arguments, key=lambda a: (a.lineno, a.col_offset)):
            if _is_words(argument):
                yield argument.lineno, ast.unparse(argument)


def test_user_facing_texts_go_through_gettext() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += [f"{path.relative_to(ROOT)}:{line}: {source[:70]}"
                  for line, source in untranslated_texts(path)]
    assert not found, "wrap these texts in _() (or N_() for click help):\n" + "\n".join(found)


def test_the_text_finder_sees_literals_fstrings_and_format(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'raise OutlineError("cannot read it", hint=f"try {x} again")\n'
        'Diagnostic(s, "code", "the {x} is wrong".format(x=1))\n'
        'raise OutlineError(_("cannot read it"), hint=_("try {x} again").format(x=x))\n'
        'console.print(f"{head}[dim]{label}[/]")\n', encoding="utf-8")
    found = [source for _line, source in untranslated_texts(sample)]
    assert found == ["'cannot read it'", "f'try {x} again'", "'the {x} is wrong'.format(x=1)"]


# --- Choosing the language ------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "fr_CA.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LC_ALL": "fr_BE@euro", "PODCAST_TOOL_LANG": "en"}, "en"),
    ({"LANG": "en_US.UTF-8", "PODCAST_TOOL_LANG": "fr"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": ""}, "fr"),
])
def test_language_comes_from_the_environment(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from_environment(environ) == expected


def test_set_language_wins_and_is_undone() -> None:
    with i18n.language("fr"):
        assert i18n.current_language() == "fr"
        assert i18n.ngettext("{count} chapter", "{count} chapters", 0) == "{count} chapitre"
        assert i18n.ngettext("{count} chapter", "{count} chapters", 2) == "{count} chapitres"
        assert i18n.decimal(1.25, 2) == "1,25"
        with i18n.language("en"):
            assert i18n._("title") == "title"
        assert i18n._("title") == "titre"
    assert i18n.current_language() == "en"
    assert i18n.decimal(1.25, 2) == "1.25"
    with pytest.raises(ValueError):
        i18n.set_language("de")


def test_an_english_run_reads_no_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "load_catalogue", lambda path: pytest.fail(f"read {path}"))
    with i18n.language("en"):
        assert i18n._("title") == "title"


def test_the_compiled_catalogue_is_cached_and_rebuilt_when_damaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert i18n.load_catalogue(FRENCH).gettext("title") == "titre"
    [cached] = (tmp_path / "podcast-tool" / "catalogues").iterdir()
    with monkeypatch.context() as patch:
        patch.setattr(i18n, "compile_po", lambda source: pytest.fail("compiled again"))
        assert i18n.load_catalogue(FRENCH).gettext("title") == "titre"
    cached.write_bytes(cached.read_bytes()[:40])
    assert i18n.load_catalogue(FRENCH).gettext("title") == "titre"
    assert i18n.load_catalogue(FRENCH).gettext("end") == "fin"


def test_a_catalogue_loads_when_the_cache_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert i18n.load_catalogue(FRENCH).gettext("title") == "titre"


def _calls_outside_functions(node: ast.AST) -> Iterator[ast.Call]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Call) and _called_name(child) in TRANSLATING_CALLS - {"N_"}:
            yield child
        yield from _calls_outside_functions(child)


def test_nothing_is_translated_at_import_time() -> None:
    """A module or class constant is made once, in whatever language ran first: mark it N_()."""
    early = [f"{path.relative_to(ROOT)}:{call.lineno}" for path in sorted(PACKAGE.rglob("*.py"))
             for call in _calls_outside_functions(ast.parse(path.read_text(encoding="utf-8")))]
    assert not early, f"use N_() here and _() where the text is shown: {early}"
