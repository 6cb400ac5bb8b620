"""`cnnspec serve`: the playground, a Starlette app over `document`, `files` and `jobs`.

Every request is answered: a body over `MAX_BODY` bytes is a 413 before it is read whole,
malformed JSON or a wrong field a 400, a path outside the folder a 400/403, a second
training a 409; the page and its assets are the package's own (no CDN), and no spec is
ever executed, only parsed. Off loopback, every request needs the start-up token.

Other web pages the user has open must not reach the playground: a body must be declared
`application/json` (a cross-site form cannot send that without a CORS preflight, which is
never granted), and on loopback the Host header must name loopback (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from cnnspec.atomic import write_text_atomic
from cnnspec.errors import SpecError
from cnnspec.language.source import MAX_SOURCE_BYTES
from cnnspec.servers import document
from cnnspec.servers.files import Refused, confined, list_specs
from cnnspec.servers.jobs import Busy, Trainings

MAX_BODY = MAX_SOURCE_BYTES + 2**20  # a spec at the size limit, JSON-escaped, fits
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/static/style.css": ("style.css", "text/css; charset=utf-8")}
MAX_EPOCHS = 1000
FINAL = ("finished", "stopped", "failed")  # a training's last states
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# The page runs only its own script: a diagram's SVG, put in with innerHTML, can carry none.
PAGE_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                                           "img-src 'self' data:; frame-ancestors 'none'"}


class Problem(Exception):
    """A request that cannot be served: its HTTP status and a message for the page."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def read_json(request: Request) -> dict:
    """The request's JSON object, reading at most `MAX_BODY` bytes."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Problem(415, "request bodies are JSON: send them as Content-Type: application/json")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdecimal() or int(declared) > MAX_BODY):
        raise Problem(413, f"request bodies are at most {MAX_BODY:,} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Problem(413, f"request bodies are at most {MAX_BODY:,} bytes")
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Problem(400, f"the request body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise Problem(400, "the request body must be a JSON object")
    return value


def _text(body: dict) -> str:
    text = body.get("text")
    if not isinstance(text, str):
        raise Problem(400, "'text' (the spec, a string) is missing")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise Problem(413, f"a spec is at most {MAX_SOURCE_BYTES // 2**20} MiB of text")
    return text


def _whole(body: dict, key: str, low: int, high: int, default: int | None) -> int | None:
    value = body.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Problem(400, f"'{key}' must be a whole number from {low} to {high:,}")
    return value


def create_app(folder: str | Path = ".", token: str | None = None, trainings: Trainings | None = None,
               hosts: tuple[str, ...] | None = LOOPBACK_HOSTS) -> Starlette:
    """The playground over `folder`; with `token`, every request must carry it; with
    `hosts`, the Host header must name one of them (None: any, for a bind off loopback)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    trainings = trainings or Trainings(root)

    def page(request: Request) -> Response:
        name, media = STATIC[request.url.path]
        body = resources.files("cnnspec.servers").joinpath("static", name).read_bytes()
        return Response(body, media_type=media, headers=PAGE_HEADERS)

    async def analyze(request: Request) -> Response:
        body = await read_json(request)
        text = _text(body)
        # In a worker thread: a spec of megabytes must not hold up the other requests.
        return JSONResponse(await run_in_threadpool(lambda: document.summary(document.inspect(text))))

    async def explain(request: Request) -> Response:
        body = await read_json(request)
        line = _whole(body, "line", 1, 10**7, 1)
        column = _whole(body, "column", 1, 10**7, 1)
        text = _text(body)

        def sentences() -> str | None:
            view = document.inspect(text)
            index = None if view.analysis is None else document.row_index(view.analysis, line, column)
            return None if index is None else document.explain_row(view.analysis, index)

        return JSONResponse({"text": await run_in_threadpool(sentences), "line": line})

    async def diagram(request: Request) -> Response:
        body = await read_json(request)
        text = _text(body)
        blocks = body.get("blocks", "collapsed")  # as `cnnspec draw --blocks`
        if blocks not in ("collapsed", "expanded"):
            raise Problem(400, "'blocks' is 'collapsed' or 'expanded'")

        def picture() -> dict:
            view = document.inspect(text)
            if view.analysis is None:
                return {"svg": None}
            try:
                return {"svg": document.diagram_svg(view.analysis, blocks)}
            except SpecError as error:
                return {"svg": None, "message": error.message}

        return JSONResponse(await run_in_threadpool(picture))

    async def language(request: Request) -> Response:
        return JSONResponse(document.vocabulary())

    async def files(request: Request) -> Response:
        return JSONResponse({"folder": root.name, "files": list_specs(root)})

    async def file_read(request: Request) -> Response:
        path = confined(root, request.query_params.get("path"))
        if not path.is_file():
            raise Problem(404, f"no such .cnn file in the served folder: {request.query_params.get('path')}")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise Problem(413, f"a spec is at most {MAX_SOURCE_BYTES // 2**20} MiB of text")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise Problem(415, "this file is not UTF-8 text") from None
        return JSONResponse({"path": path.relative_to(root).as_posix(), "text": text})

    async def file_write(request: Request) -> Response:
        body = await read_json(request)
        path = confined(root, body.get("path"))
        text = _text(body)
        if not path.parent.is_dir():
            raise Problem(404, "the folder to save in does not exist inside the served folder")
        if path.exists() and not path.is_file():
            raise Problem(409, "this path is not a plain file")
        write_text_atomic(path, text)
        return JSONResponse({"path": path.relative_to(root).as_posix(), "saved": True, "bytes": len(text.encode("utf-8"))})

    async def train_start(request: Request) -> Response:
        from cnnspec.analysis.analyzer import analyze
        from cnnspec.language.loading import parse

        body = await read_json(request)
        text = _text(body)
        epochs = _whole(body, "epochs", 1, MAX_EPOCHS, 1)
        limit = _whole(body, "limit", 1, 10**7, None)
        source = body.get("path") if isinstance(body.get("path"), str) else "<playground>"
        try:
            spec = parse(text, source)
            analyze(spec)
        except SpecError as error:
            raise Problem(422, f"only a valid spec can be trained: {error.message}") from None
        try:
            job = trainings.start(spec, epochs, limit)
        except Busy as busy:
            raise Problem(409, str(busy)) from None
        return JSONResponse({"state": job.state, "run_dir": trainings.shown(job.run_dir)}, status_code=202)

    async def train_stop(request: Request) -> Response:
        if not trainings.stop():
            raise Problem(409, "no training is running")
        return JSONResponse({"state": "stopping"})

    async def train_resume(request: Request) -> Response:
        body = await read_json(request)
        epochs = _whole(body, "epochs", 1, MAX_EPOCHS, None)
        try:
            job = trainings.resume(epochs)
        except Busy as busy:
            raise Problem(409, str(busy)) from None
        except LookupError as missing:
            raise Problem(409, str(missing)) from None
        return JSONResponse({"state": job.state, "run_dir": trainings.shown(job.run_dir)}, status_code=202)

    async def train_events(request: Request) -> Response:
        """The training's events as server-sent events, from the start or, for a browser
        reconnecting on its own, after its Last-Event-ID; 204 (do not retry) when done."""
        job = trainings.job
        last = request.headers.get("last-event-id", "")
        seen = int(last) if last.isascii() and last.isdecimal() and len(last) < 10 else -1
        if job is None or (job.state in FINAL and seen >= len(job.events) - 1):
            return Response(status_code=204)

        async def stream(seen: int):
            while True:
                # Starlette ends this generator when the client goes; a comment every
                # 10 s at the latest lets it notice, and keeps proxies from timing out.
                events = await asyncio.to_thread(trainings.wait_events, job, seen, 10.0)
                if not events:
                    yield ": still here\n\n"
                for event in events:
                    seen = event["id"]
                    yield f"id: {seen}\ndata: {json.dumps(event)}\n\n"
                    if event["type"] == "state" and event["state"] in FINAL:
                        return

        return StreamingResponse(stream(seen), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    routes = [Route(path, page, methods=["GET"]) for path in STATIC] + [
        Route("/api/analyze", analyze, methods=["POST"]),
        Route("/api/explain", explain, methods=["POST"]),
        Route("/api/diagram", diagram, methods=["POST"]),
        Route("/api/language", language, methods=["GET"]),
        Route("/api/files", files, methods=["GET"]),
        Route("/api/file", file_read, methods=["GET"]),
        Route("/api/file", file_write, methods=["PUT"]),
        Route("/api/train", train_start, methods=["POST"]),
        Route("/api/train/stop", train_stop, methods=["POST"]),
        Route("/api/train/resume", train_resume, methods=["POST"]),
        Route("/api/train/events", train_events, methods=["GET"]),
    ]

    async def problem(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Refused):
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        if isinstance(exc, Problem):
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}"}, status_code=500)

    middleware = [Middleware(HostGate, hosts=hosts)] if hosts else []
    middleware += [Middleware(TokenGate, token=token)] if token else []
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={Problem: problem, Refused: problem, Exception: problem})


class TokenGate:
    """ASGI middleware: 401 unless the request carries the token (header, cookie or `?token=`).

    The printed link carries it in the query; the answer sets it as a same-site cookie, so
    the page's own script, styles and event stream carry it too, and no other site's do.
    """

    COOKIE = "cnnspec_token"

    def __init__(self, app, token: str):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        in_query = request.query_params.get("token") or ""
        given = (request.headers.get("x-cnnspec-token") or request.cookies.get(self.COOKIE) or in_query)
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            response = JSONResponse({"error": "this server needs its token: open the link printed at start-up"},
                                    status_code=401)
            await response(scope, receive, send)
            return
        if in_query != given:
            await self.app(scope, receive, send)
            return

        async def with_cookie(message):
            if message["type"] == "http.response.start":
                cookie = f"{self.COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, with_cookie)


class HostGate:
    """ASGI middleware: 421 unless the Host header names one of `hosts` (any port)."""

    def __init__(self, app, hosts: tuple[str, ...]):
        self.app, self.hosts = app, set(hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            host = Request(scope).headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.hosts:
                response = JSONResponse({"error": f"this server answers to {', '.join(sorted(self.hosts))} only"},
                                        status_code=421)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def is_loopback(host: str) -> bool:
    """
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0"), is_loopback("localhost")
    (True, True, False, True)
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _say(line: str) -> None:
    print(line, flush=True)  # at once, even into a pipe: the link is what a user waits for


def serve(folder: str | Path, host: str = "127.0.0.1", port: int = 8000, log=_say) -> None:
    """Run the playground until interrupted; off loopback, with a token printed here."""
    import uvicorn

    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    shown = f"[{host}]" if ":" in host else host
    app = create_app(folder, token, hosts=None if token else (*LOOPBACK_HOSTS, shown))
    link = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    log(f"cnnspec playground on {link} serving {Path(folder).resolve()} (Ctrl-C stops it)")
    if token:
        log(f"bound to {host}, not loopback: every request needs the token {token}")
    uvicorn.run(app, host=host, port=port, log_level="warning", limit_concurrency=200,
                h11_max_incomplete_event_size=64 * 1024)
