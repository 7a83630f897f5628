"""Every text the studio page shows, marked for translation (the page sets them with textContent).

The page speaks one language per session (see ``StudioSession.language``): ``page_strings``
translates the whole table at once, in the session's language, and hands it to the page.
"""

from __future__ import annotations

from podcast_tool import i18n
from podcast_tool.i18n import N_

PAGE_TEXTS: dict[str, str] = {
    "page_title": N_("Studio"),
    "chapters": N_("Chapters"),
    "time": N_("Time"),
    "end": N_("End"),
    "title": N_("Title"),
    "description": N_("Description"),
    "add": N_("Add a chapter here"),
    "delete": N_("Delete"),
    "play_around": N_("Play around"),
    "play_around_help": N_("Play from 3 s before to 5 s after the start"),
    "play": N_("Play / pause"),
    "undo": N_("Undo"),
    "save": N_("Save"),
    "saving": N_("Saving…"),
    "saved": N_("Saved."),
    "snap": N_("Suggest pauses"),
    "snapping": N_("Looking for pauses…"),
    "accept": N_("Accept"),
    "reject": N_("Reject"),
    "accept_high": N_("Accept all high-confidence"),
    "no_suggestions": N_("No pause to suggest."),
    "confidence": N_("confidence"),
    "confidence_high": N_("high"),
    "confidence_medium": N_("medium"),
    "confidence_low": N_("low"),
    "loading_waveform": N_("Drawing the waveform…"),
    "waveform_ready": N_("Waveform ready."),
    "zoom": N_("Zoom"),
    "shortcuts": N_("Space: play/pause · J/K: previous/next boundary · [ ]: nudge by 0.1 s "
                    "(Shift: 1 s) · Ctrl+Z: undo"),
    "bad_time": N_("Not a time"),
    "has_errors": N_("Fix the errors before saving."),
    "conflict": N_("Not saved: the file changed on disk since this page was loaded. Reload the page."),
    "saved_beside": N_("The outline is a document: the corrected outline is written as Markdown beside it:"),
    "no_outline": N_("The chapters come from the recording itself: saving writes them into it."),
    "written": N_("Written:"),
    "untitled": N_("New chapter"),
    "error": N_("error:"),
    "warning": N_("warning:"),
    "info": N_("note:"),
}


def page_strings(language: str) -> dict[str, str]:
    with i18n.language(language):
        return {key: i18n.gettext(text) for key, text in PAGE_TEXTS.items()}

#: Words that mark a French outline when its times do not (``0:20`` rather than ``0'20``).
FRENCH_WORDS = frozenset({
    "le", "la", "les", "des", "du", "de", "et", "un", "une", "pour", "sur", "avec", "accueil",
    "questions", "public", "présentation", "introduction", "conclusion", "échanges", "table",
    "ronde", "mot"})


def guess_language(titles: list[str], notation: str | None) -> str:
    if notation == "fr":
        return "fr"
    words = [w.strip(".,:;!?«»\"'()").lower() for t in titles for w in t.split()]
    french = sum(w in FRENCH_WORDS for w in words) + sum(any(c in w for c in "éèàçêù") for w in words)
    return "fr" if words and french * 5 >= len(words) else "en"
