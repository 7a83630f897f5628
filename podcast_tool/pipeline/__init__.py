"""What every command calls: load chapters from any source, validate, snap, write, export.

Chapters come from whatever the user names: an outline, a sidecar, or an audio file.
``services`` holds what the commands (and the studio, the publisher) call; ``outline_io``
reads a chapter text file once and writes a corrected outline back.
"""

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
    export,
    load_chapters,
    prepare,
    require_writable_text,
    snap,
    snap_options,
    strip,
    write,
)

__all__ = [
    "MAX_TEXT_BYTES", "MIN_RECORDING_MS", "CheckResult", "OutlineText", "SnapResult", "TagResult",
    "check", "decode_text", "encode_like", "export", "load_chapters", "parse_outline", "prepare",
    "read_document", "read_outline", "read_text", "require_writable_text", "snap", "snap_options",
    "strip", "text_format", "write", "write_corrected",
]
