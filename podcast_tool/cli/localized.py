"""click in the user's language: help translated when shown, click's own messages too.

click keeps help strings from the moment a command module is imported, before ``--lang`` is
read; so they are written as ``N_("…")`` (English msgids), stored as they are, and translated each
time they are read (``Translated``). click's own texts ("Usage:", "Missing argument …") come from
its calls to ``gettext``: they are routed to podcast-tool's French catalogue of click's messages.
"""

from __future__ import annotations

import gettext as _gettext
import importlib
from typing import Any

import click

from podcast_tool import i18n
from podcast_tool.i18n import _

#: click's modules that call ``gettext`` for text a user may read.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                 "utils")
CLICK_DOMAIN = "click"

_click_catalogues: dict[str, _gettext.NullTranslations] = {}


def _click_catalogue() -> _gettext.NullTranslations:
    language = i18n.current_language()
    if language == i18n.SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    if language not in _click_catalogues:
        path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{CLICK_DOMAIN}.po"
        _click_catalogues[language] = i18n.load_catalogue(path)
    return _click_catalogues[language]


def click_gettext(message: str) -> str:
    return _click_catalogue().gettext(message) if message else message


def click_ngettext(singular: str, plural: str, count: int) -> str:
    return _click_catalogue().ngettext(singular, plural, count)


def route_click_messages() -> None:
    """Make click's own messages speak the current language (they are English otherwise)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


class Translated:
    """An attribute holding an English text (a msgid), translated each time it is read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__.get(self.name)
        if value is None:
            # A click type's name is a class attribute ("float range"), not an instance one.
            value = next((vars(klass)[self.name] for klass in type(obj).__mro__[1:]
                          if isinstance(vars(klass).get(self.name), str)), None)
        if not isinstance(value, str):
            return value
        text = _(value)
        # click's own texts (the help of --help and --version, "file") are in its catalogue.
        return text if text != value else click_gettext(value)

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self.name] = value


_localized_classes: dict[type, type] = {}


def _argument_metavar(self: click.Argument, ctx: click.Context) -> str:
    # A translated argument name still gets click's marks: [NAME] when optional, NAME... when many.
    if self.__dict__.get("metavar") is None:
        return click.Argument.make_metavar(self, ctx)
    name = self.metavar or ""
    if not self.required:
        name = f"[{name}]"
    return f"{name}..." if self.nargs != 1 else name


def _error_hint(self: click.Parameter, ctx: click.Context | None) -> str:
    # click quotes a parameter 'so'; French quotes it « so ».
    if isinstance(self, click.Argument):
        names = [self.make_metavar(ctx) if ctx is not None else self.human_readable_name]
    else:
        names = list(self.opts)
    return " / ".join(_("'{name}'").format(name=name) for name in names)


def _localized_class(cls: type, attributes: tuple[str, ...]) -> type:
    if cls not in _localized_classes:
        members: dict[str, Any] = {name: Translated() for name in attributes}
        if issubclass(cls, click.Parameter):
            members["get_error_hint"] = _error_hint
        if issubclass(cls, click.Argument):
            members["make_metavar"] = _argument_metavar
        _localized_classes[cls] = type(cls.__name__, (cls,), members | {"__module__": cls.__module__})
    return _localized_classes[cls]


def localize_parameter(param: click.Parameter) -> None:
    """Make ``param``'s help and metavar (and its type's name: "file") ``Translated`` when read.

    An argument's name in the usage line is its metavar, written ``metavar=N_("OUTLINE")``.

    The parameter gets a subclass of its own class that only adds the descriptors, so click
    sees the same parameter; each stored text stays the English one, whatever language ran first.
    """
    if not isinstance(type(param).__dict__.get("help"), Translated):
        param.__class__ = _localized_class(type(param), ("help", "metavar"))
    if not isinstance(type(param.type).__dict__.get("name"), Translated):
        param.type.__class__ = _localized_class(type(param.type), ("name",))


class HelpFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        # "Options:" in English, "Options :" in French.
        label = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{label}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class LocalizedMixin:
    """Help, short help, epilog and every parameter's help and metavar: translated when read.

    Machine-readable runs (``--json``) speak English whatever the language, so scripts read the
    same messages everywhere.
    """

    context_class = Context
    help = Translated()
    short_help = Translated()
    epilog = Translated()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # type: ignore[attr-defined]
            localize_parameter(param)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # Made once and kept: built in English, translated each time it is shown.
        with i18n.language(i18n.SOURCE_LANGUAGE):
            option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            localize_parameter(option)
        return option

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.params.get("as_json"):
            with i18n.language(i18n.SOURCE_LANGUAGE):
                return super().invoke(ctx)  # type: ignore[misc]
        return super().invoke(ctx)  # type: ignore[misc]


class Command(LocalizedMixin, click.Command):
    """A podcast-tool command: ``@click.command("name", cls=Command, help=N_("…"))``."""


class Group(LocalizedMixin, click.Group):
    """A podcast-tool command group (the commands' help is translated the same way)."""
