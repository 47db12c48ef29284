"""A real HTTP server on 127.0.0.1 that serves feeds the way real (and hostile) servers do.

Each path maps to a Route: body, status, headers, validators (answers 304 to a matching
If-None-Match / If-Modified-Since), gzip, a delay, or a trickle (a few bytes at a time).
The server records what every request carried, so tests can assert on conditional GETs.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0
    trickle: float | None = None  # seconds between single bytes
    chunk_forever: bool = False  # stream bytes with no end (for the size cap)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        """A feed server on `host` (a loopback address) and a free port."""
        self.routes: dict[str, Route] = {}
        self.requests: dict[str, list[dict[str, str]]] = defaultdict(list)
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, route: Route | None = None, **kwargs: object) -> str:
        self.routes[path] = route or Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> int:
        return len(self.requests[path])

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.requests[path].append({k.lower(): v for k, v in self.headers.items()})
                route = server.routes.get(path)
                if route is None:
                    self._send(404, {}, b"not found")
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                if route.delay:
                    time.sleep(route.delay)
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                if route.status == 200 and self._not_modified(route):
                    self._send(304, headers, b"")
                    return
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                if route.chunk_forever:
                    self._stream_forever(headers)
                    return
                if route.trickle is not None:
                    self._trickle(route, headers, body)
                    return
                self._send(route.status, headers, body)

            def _not_modified(self, route: Route) -> bool:
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if route.etag and inm:
                    return inm == route.etag
                return bool(route.last_modified and ims == route.last_modified)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def _trickle(self, route: Route, headers: dict[str, str], body: bytes) -> None:
                self.send_response(route.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.trickle or 0)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream_forever(self, headers: dict[str, str]) -> None:
                self.send_response(200)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"<rss>" + b"x" * 65536
                try:
                    for _ in range(100_000):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def kyiv_post_rss(*entries: tuple[str, str, str]) -> bytes:
    """An RSS document titled 'Kyiv Post' with (guid, title, HTML body) entries."""
    import html

    items = "".join(
        f"<item><title>{html.escape(t)}</title><link>https://kyivpost.example/{g}</link>"
        f"<guid>{g}</guid><description>{html.escape(body)}</description></item>"
        for g, t, body in entries
    )
    return f"<rss version='2.0'><channel><title>Kyiv Post</title>{items}</channel></rss>".encode()
