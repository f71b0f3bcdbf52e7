"""A real HTTP server on 127.0.0.1 for download tests: files, errors, stalls and slow bodies."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class LocalServer:
    """Routes: ``files[name]`` → bytes; ``/status/CODE``; ``/stall/NAME`` (headers, then silence);
    ``/slow/NAME`` (the body in small pieces, with pauses); ``/trickle/NAME`` (one byte every
    ``trickle_interval`` s); ``/nolength/NAME`` (no Content-Length, the end is the close);
    ``/endless/NAME`` (no Content-Length, the body repeated up to ``endless_limit`` bytes);
    ``/overlong/NAME`` (declares the body, sends ``extra`` bytes more); ``/reset/NAME`` (half the
    body, then a TCP reset). Every loop is bounded, so no test can hang on the server."""

    port: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stall_seconds: float = 5.0
    slow_chunk: int = 256 * 1024
    trickle_interval: float = 0.2
    trickle_max_seconds: float = 20.0
    endless_limit: int = 50_000_000
    extra: bytes = b"X" * 100_000

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"


ROUTES = ("stall", "slow", "trickle", "nolength", "endless", "overlong", "reset")


def _handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            server.requests.append(self.path)
            parts = self.path.strip("/").split("/", 1)
            if parts[0] == "status":
                self.send_error(int(parts[1]))
                return
            route = parts[0] if len(parts) == 2 and parts[0] in ROUTES else ""
            body = server.files.get(parts[1] if route else self.path.strip("/"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            if route not in ("nolength", "endless"):
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            try:
                if route == "trickle":
                    end = time.monotonic() + server.trickle_max_seconds
                    for i in range(len(body)):
                        if time.monotonic() > end:
                            break
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(server.trickle_interval)
                elif route == "endless":
                    sent = 0
                    while sent < server.endless_limit:
                        self.wfile.write(body)
                        sent += len(body)
                elif route == "overlong":
                    self.wfile.write(body + server.extra)
                elif route == "reset":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(0.2)
                    linger = struct.pack("ii", 1, 0)  # close with RST, not FIN
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.connection.close()
                elif route == "stall":
                    self.wfile.write(body[:1000])
                    self.wfile.flush()
                    time.sleep(server.stall_seconds)
                elif route == "slow":
                    for i in range(0, len(body), server.slow_chunk):
                        self.wfile.write(body[i : i + server.slow_chunk])
                        self.wfile.flush()
                        time.sleep(0.005)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    state = LocalServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
