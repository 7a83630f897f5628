"""What every command calls: load chapters from any source, validate, snap, write, export.

Chapters come from whatever the user names: an outline, a sidecar, or an audio file.
``services`` holds what the commands (and the studio, the publisher) call; ``outline_io``
reads a chapter text file once and writes a corrected outline back. A command reaches the
containers, the formats, snapping and safe writes only through the names listed here (or
through the feature it fronts: batch, publish, preflight, studio, demo).
"""

from typing import TYPE_CHECKING

from podcast_tool.containers import WriteOptions
from podcast_tool.formats import FEATURES, all_formats
from podcast_tool.pipeline.outline_io import (
    MAX_TEXT_BYTES,
    OutlineText,
    decode_text,
    encode_like,
    parse_outline,
    read_document,
    read_outline,
    read_text,
    text_format,
    write_corrected,
)
from podcast_tool.pipeline.services import (
    MIN_RECORDING_MS,
    CheckResult,
    SnapResult,
    TagResult,
    check,
    convert,
    export,
    load_chapters,
    plan_conversion,
    prepare,
    require_writable_text,
    show,
    snap,
    snap_options,
    strip,
    tagging_the_copy,
    write,
)

__all__ = [
    "FEATURES", "MAX_TEXT_BYTES", "MIN_RECORDING_MS", "CheckResult", "ConversionPlan",
    "OutlineText", "SnapResult", "TagResult", "WriteOptions", "all_formats", "check", "convert",
    "decode_text", "encode_like", "export", "load_chapters", "parse_outline", "plan_conversion",
    "prepare", "read_document", "read_outline", "read_text", "require_writable_text", "show",
    "snap", "snap_options", "strip", "tagging_the_copy", "text_format", "write", "write_corrected",
]

if TYPE_CHECKING:
    from podcast_tool.convert import ConversionPlan


def __getattr__(name: str) -> object:
    # The conversion module (and subprocess with it) loads only when ``tag --to`` asks for it.
    if name == "ConversionPlan":
        from podcast_tool.convert import ConversionPlan

        return ConversionPlan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
