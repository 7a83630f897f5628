"""The studio's web server: Starlette on uvicorn, bound to 127.0.0.1, for one session.

Every request must carry the session's random token: in the URL the browser is sent to (which
sets a same-site, HTTP-only cookie and redirects to the bare page) or in that cookie. The Host
header must name this machine by 127.0.0.1 or localhost with our port (a rebound DNS name
reaching us carries its own), and every request that writes must come from our own origin.
Only the recording, the session's data and the package's static files are served: no request
names a path to open.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import signal
import socket
import threading
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from podcast_tool.errors import PodcastToolError, UsageError, ValidationFailed
from podcast_tool.i18n import _
from podcast_tool.studio.session import Conflict, StudioSession

COOKIE = "podcast_tool_studio"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_BODY = 4 * 1024 * 1024
#: The page is ours alone: no inline script, nothing from elsewhere, not framed. The waveform
#: draws inside a shadow root with its own <style>, allowed by a nonce made per page load.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'{nonce}; "
                           "img-src 'self' data:; media-src 'self'; connect-src 'self'; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'none'")


def content_security_policy(style_nonce: str | None = None) -> str:
    return CONTENT_SECURITY_POLICY.format(nonce=f" 'nonce-{style_nonce}'" if style_nonce else "")

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def static_folder() -> Path:
    return Path(str(resources.files("podcast_tool.studio") / "static"))


class Guard:
    """Token, Host and Origin checks in front of every route (plain ASGI, so files stream)."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.hosts = {f"{host}:{port}" for host in LOCAL_HOSTS}
        if port == 80:
            self.hosts |= set(LOCAL_HOSTS)
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        problem = self.refusal(request)
        if problem is not None:
            await problem(scope, receive, send)
            return
        if request.query_params.get("token") and request.method in SAFE_METHODS \
                and scope["path"] == "/":
            # The token leaves the address bar and history: the cookie carries it from here.
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, self.with_headers(send))

    def refusal(self, request: Request) -> Response | None:
        if request.headers.get("host", "").lower() not in self.hosts:
            return Response("unknown host\n", status_code=421, media_type="text/plain")
        offered = request.query_params.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(offered.encode(), self.token.encode()):
            return Response("this studio needs the address printed by `podcast-tool studio`\n",
                            status_code=403, media_type="text/plain")
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin not in self.origins or request.headers.get("sec-fetch-site", "same-origin") \
                    not in ("same-origin", "none"):
                return Response("cross-origin request refused\n", status_code=403,
                                media_type="text/plain")
        return None

    @staticmethod
    def with_headers(send: Any) -> Any:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", content_security_policy().encode()))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"cache-control", b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        return sending


async def _body(request: Request) -> Any:
    data = await request.body()
    if len(data) > MAX_BODY:
        raise UsageError(_("request too large"))
    try:
        return json.loads(data or b"{}")
    except ValueError:
        raise UsageError(_("the request is not JSON")) from None


def _error(error: PodcastToolError) -> JSONResponse:
    status = 409 if isinstance(error, Conflict) else 422 if isinstance(error, ValidationFailed) \
        else 400 if isinstance(error, UsageError) else 500
    body: dict[str, Any] = {"error": error.message, "conflict": isinstance(error, Conflict)}
    if error.hint:
        body["hint"] = error.hint
    if isinstance(error, ValidationFailed):
        body["diagnostics"] = [d.to_dict() for d in error.diagnostics]
    return JSONResponse(body, status_code=status)


def create_app(session: StudioSession, token: str, port: int) -> ASGIApp:
    from starlette.concurrency import run_in_threadpool

    folder = static_folder()

    def speaking(action: Callable[..., Any], *args: Any) -> Response:
        """Run ``action`` in the page's language; its errors become JSON answers."""
        with session.speaking():
            try:
                return JSONResponse(action(*args))
            except PodcastToolError as error:
                return _error(error)

    page_text = (folder / "studio.html").read_text(encoding="utf-8")

    async def page(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        return HTMLResponse(page_text.replace("{{STYLE_NONCE}}", nonce),
                            headers={"content-security-policy": content_security_policy(nonce)})

    async def audio(request: Request) -> Response:
        return FileResponse(session.audio, filename=None, content_disposition_type="inline")

    async def state(request: Request) -> Response:
        return await run_in_threadpool(speaking, session.state)

    async def peaks(request: Request) -> Response:
        try:
            start = max(0, int(request.query_params.get("start", "0")))
        except ValueError:
            return JSONResponse({"error": "start must be a number"}, status_code=400)
        job = session.peaks
        done = job.done  # read first: data complete when done
        data = bytes(job.data[start:])
        headers = {"x-peaks-done": "1" if done else "0", "x-peaks-expected": str(job.expected),
                   "x-peaks-cached": "1" if job.cached else "0"}
        if job.error:
            headers["x-peaks-error"] = job.error.encode("ascii", "replace").decode()
        return Response(data, media_type="application/octet-stream", headers=headers)

    def api(action: Callable[[Any], Any]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                payload = await _body(request)
                if not isinstance(payload, dict):
                    raise UsageError(_("the request must be a JSON object"))
                return await run_in_threadpool(speaking, action, payload)
            except PodcastToolError as error:
                return _error(error)

        return endpoint

    def check(payload: dict[str, Any]) -> Any:
        return session.check_chapters(session.parse_edits(payload.get("chapters")))

    def suggest(payload: dict[str, Any]) -> Any:
        return session.suggest(session.parse_edits(payload.get("chapters")))

    def save(payload: dict[str, Any]) -> Any:
        return session.save(payload.get("revision"), session.parse_edits(payload.get("chapters")))

    def parse_time(payload: dict[str, Any]) -> Any:
        text = payload.get("text")
        if not isinstance(text, str) or len(text) > 100:
            raise UsageError(_("text must be a short string"))
        return {"ms": written_time(text)}

    routes = [
        Route("/", page),
        Route("/audio", audio),
        Route("/api/state", state),
        Route("/api/peaks", peaks),
        Route("/api/check", api(check), methods=["POST"]),
        Route("/api/suggest", api(suggest), methods=["POST"]),
        Route("/api/save", api(save), methods=["POST"]),
        Route("/api/time", api(parse_time), methods=["POST"]),
        Mount("/static", StaticFiles(directory=folder), name="static"),
    ]
    return Guard(Starlette(routes=routes), token, port)


def written_time(text: str) -> int | None:
    """Milliseconds of a time typed in any outline notation (``0'20``, ``1:03:37,5``, ``20 s``)
    or as bare seconds; None when it is not one time and nothing else."""
    from podcast_tool.outline.timecodes import match_time

    stripped = text.strip()
    if re.fullmatch(r"\d+([.,]\d+)?", stripped):
        return round(float(stripped.replace(",", ".")) * 1000)
    try:
        token = match_time(stripped)
    except ValueError:
        return None
    return token.ms if token is not None and token.start == 0 and token.end == len(stripped) else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        raise UsageError(_("cannot listen on {address} ({reason})").format(
            address=f"127.0.0.1:{port}", reason=error.strerror),
            hint=_("choose another --port, or leave it out to take a free one")) from None
    sock.listen(64)
    return sock


def serve(session: StudioSession, sock: socket.socket, token: str,
          on_ready: Callable[[], None] | None = None) -> None:
    """Run until Ctrl-C, SIGTERM or SIGHUP (the terminal closing)."""
    import uvicorn

    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(session, token, port), log_level="warning", access_log=False,
                            lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)

    def stop(*_: object) -> None:
        server.should_exit = True

    if threading.current_thread() is threading.main_thread():
        # uvicorn handles Ctrl-C and SIGTERM while it runs, then hands them back to these
        # handlers: stopping is what was asked, so the command ends normally. SIGHUP (the
        # terminal closing) stops it too.
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, stop)
    if on_ready is not None:
        def wait_then_tell() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.02)
            if server.started:
                on_ready()

        threading.Thread(target=wait_then_tell, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn hands Ctrl-C back once it has shut down: stopping is what was asked
    finally:
        session.peaks.stop.set()
