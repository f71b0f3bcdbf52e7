"""A real HTTP server on 127.0.0.1 for download tests: files, errors, stalls and slow bodies."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class LocalServer:
    """Routes: ``files[name]`` → bytes; ``/status/CODE``; ``/stall/NAME`` (headers, then silence);
    ``/slow/NAME`` (the body in small pieces, with pauses)."""

    port: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stall_seconds: float = 5.0
    slow_chunk: int = 256 * 1024

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"


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
            if parts[0] in ("stall", "slow") and len(parts) == 2:
                body = server.files.get(parts[1])
            else:
                body = server.files.get(self.path.strip("/"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            try:
                if parts[0] == "stall":
                    self.wfile.write(body[:1000])
                    self.wfile.flush()
                    time.sleep(server.stall_seconds)
                elif parts[0] == "slow":
                    for i in range(0, len(body), server.slow_chunk):
                        self.wfile.write(body[i : i + server.slow_chunk])
                        self.wfile.flush()
                        time.sleep(0.005)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
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
