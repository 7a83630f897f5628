"""What the publish tests share: a small recording with an outline, and a static web server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import run_ffmpeg

#: Long enough for a real ``#t=1:03:37`` link, tiny on disk (silence, 8 kHz, 8 kbit/s).
RECORDING_SECONDS = 3840

OUTLINE_FR = """\
# Webinaire <b>Travail pair</b> & co du 18 décembre 2020

Une introduction avec un [lien](https://example.org/) et du <script>alert(1)</script> texte.

0'00 **Mot d'accueil** *Ouverture du webinaire*

0'02 **Table ronde <img src=x onerror=alert(1)>**

Notes de la table ronde : [programme](javascript:alert(1)) et [site](https://example.org/tr).

0'04 Questions du public

1'03''37 à 1'03''50 Conclusion
"""

OUTLINE_EN = """\
# Round table on peer work, 18 December 2020

0:00 Welcome and introduction of the speakers

0:02 First round table: why peer work?

0:04 Questions from the audience
"""


def make_recording(path: Path, seconds: int = RECORDING_SECONDS) -> Path:
    """At least ``seconds`` of quiet noise: ten seconds looped by stream copy (encoding an hour
    would take long; looped frames run a little short of their timestamps, hence the margin)."""
    piece = path.with_name(f".piece-{path.stem}.mp3")
    run_ffmpeg("-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.02:sample_rate=8000:duration=10",
               "-ac", "1", "-c:a", "libmp3lame", "-b:a", "8k", piece)
    run_ffmpeg("-stream_loop", str(seconds // 9 + 2), "-i", piece, "-t", str(seconds * 1.02),
               "-c", "copy", path)
    piece.unlink()
    return path


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """http.server plus byte ranges, as every static host has them (browsers seek with them)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        found = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if found is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(found.group(1))
        end = min(int(found.group(2)) if found.group(2) else size - 1, size - 1)
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.range_left = end - start + 1
        return handle

    def copyfile(self, source, outputfile):  # type: ignore[no-untyped-def]
        left = getattr(self, "range_left", None)
        if left is None:
            return super().copyfile(source, outputfile)
        with contextlib.suppress(ConnectionError):
            while left > 0:
                chunk = source.read(min(left, 64 * 1024))
                if not chunk:
                    break
                outputfile.write(chunk)
                left -= len(chunk)


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(RangeHandler, directory=os.fspath(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
