"""The language podcast-tool speaks: gettext catalogues, read with Babel, one language per run.

Every user-facing text goes through ``_()`` (or ``ngettext``) with named placeholders, filled
after translation: ``_("{count} chapters found").format(count=n)``. Texts that must exist before
the language is known (click's help strings, module constants) are marked with ``N_()`` and
translated with ``_()`` where they are shown.

The language is, in order: ``set_language()`` (the CLI's ``--lang``), ``PODCAST_TOOL_LANG``, the
locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``), else English. English is the source
language: it needs no catalogue, so an English run never reads one. The French catalogue is the
``.po`` file itself, compiled on first use and cached (see README, "Languages").
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

DOMAIN = "podcast_tool"
SOURCE_LANGUAGE = "en"
#: Languages with a catalogue, plus the source language.
LANGUAGES = ("en", "fr")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Environment variables that choose the language, strongest first (POSIX order for the locale).
LANGUAGE_VARIABLES = ("PODCAST_TOOL_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None
_catalogues: dict[str, _gettext.NullTranslations] = {}


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def language_of(value: str) -> str | None:
    """``fr``, ``fr_FR.UTF-8``, ``fr-CA``, ``FR`` -> ``fr``; ``C``, ``de_DE`` -> None."""
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: the first variable that is set decides."""
    environ = os.environ if environ is None else environ
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return language_of(value) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(language: str | None) -> None:
    """Speak ``language`` from now on; None goes back to what the environment says."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"no catalogue for language {language!r}")
    global _chosen
    _chosen = language


def current_language() -> str:
    return _chosen if _chosen is not None else language_from_environment()


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Speak ``code`` inside the block (machine-readable output is always English)."""
    before = _chosen
    set_language(code)
    try:
        yield
    finally:
        set_language(before)


def _catalogue(language: str) -> _gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    found = _catalogues.get(language)
    if found is None:
        found = _catalogues[language] = load_catalogue(catalogue_path(language))
    return found


def load_catalogue(path: Path) -> _gettext.NullTranslations:
    """A ``.po`` file as a gettext catalogue (fuzzy entries left out, as msgfmt does).

    Parsing a ``.po`` costs far more than reading its compiled ``.mo``, so the compiled form is
    kept in the user's cache under the hash of the ``.po``'s bytes: an edited catalogue is
    compiled again, and a cache that cannot be written only costs the parse.
    """
    import hashlib  # here: an English run never reads a catalogue

    source = path.read_bytes()
    cached = cache_dir() / f"{path.stem}-{hashlib.sha256(source).hexdigest()[:24]}.mo"
    try:
        with cached.open("rb") as mo:
            return _gettext.GNUTranslations(mo)
    except Exception:  # any unreadable cache entry (missing, truncated) is rebuilt from the .po
        pass
    compiled = compile_po(source)
    with suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        partial.write_bytes(compiled)
        os.replace(partial, cached)
    return _gettext.GNUTranslations(io.BytesIO(compiled))


def compile_po(source: bytes) -> bytes:
    """``.po`` bytes compiled to ``.mo`` bytes with Babel (imported only here)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source), domain=DOMAIN), use_fuzzy=False)
    return compiled.getvalue()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podcast-tool" / "catalogues"


def gettext(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    if not message:
        return message
    return _catalogue(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` (English: 1 is singular; French: 0 and 1 are)."""
    return _catalogue(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for extraction only; translate it with ``_()`` where it is shown."""
    return message


_ = gettext


def is_french() -> bool:
    return current_language() == "fr"


def decimal(value: float, digits: int = 1) -> str:
    """``1.5`` in English, ``1,5`` in French: a number with a fixed count of decimals."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if is_french() else text


def number(value: float) -> str:
    """``0.8``, ``10`` in English; ``0,8``, ``10`` in French (as few decimals as needed)."""
    text = f"{value:g}"
    return text.replace(".", ",") if is_french() else text


def and_list(items: list[str]) -> str:
    """``MP3``, ``MP3 and WAV``, ``MP3, M4A and WAV`` (``et`` in French)."""
    if len(items) < 2:
        return "".join(items)
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def clauses(parts: list[str]) -> str:
    """Clauses joined by semicolons, with French's narrow no-break space before each."""
    return ("\u202f; " if is_french() else "; ").join(parts)


def quoted(text: str) -> str:
    """« text »: guillemets in both languages (titles are French), no-break spaces in French."""
    space = "\u00a0" if is_french() else " "
    return f"«{space}{text}{space}»"
