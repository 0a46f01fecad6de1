"""The benchmarks' HTTP client: the figures in the README are only as good as what it reports.

It must send each prepared request as it was prepared (method, body, headers) over one kept-alive
connection, report the answer's headers (the benchmarks read ``X-Relapsekg-Answer`` from them),
and tell an error status, a timeout and an unreachable server apart instead of timing them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.common import HTTPStatusError, KeptAliveClient, Request, free_port


class Echo(BaseHTTPRequestHandler):
    """Answers with what it was asked; /status/N answers N; /slow waits a second."""

    protocol_version = "HTTP/1.1"  # keeps the connection alive, as uvicorn does

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))

    def _answer(self, body: bytes) -> None:
        if self.path == "/slow":
            time.sleep(1.0)
        status = int(self.path.rsplit("/", 1)[1]) if self.path.startswith("/status/") else 200
        seen = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "body": body.decode(),
                "accept": self.headers["Accept"],
                "type": self.headers["Content-Type"],
                "expect": self.headers["Expect"],
                "port": self.client_address[1],
            }
        ).encode()
        self.send_response(status, "Reason: with a colon")
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Relapsekg-Answer", "cache")
        self.send_header("Content-Length", str(len(seen)))
        self.end_headers()
        self.wfile.write(seen)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_prepared_requests_are_sent_as_prepared_over_one_connection(server: str) -> None:
    client = KeptAliveClient(server, timeout=5)
    post = json.loads(client.send(Request.form("/sparql", {"query": 'ASK { ?s ?p "é" }'}, "text/csv")))
    get = json.loads(
        client.send(Request.get("/queries/studies", {"study": "aall1331"}, "text/tab-separated-values"))
    )
    assert post["method"] == "POST" and post["path"] == "/sparql" and post["accept"] == "text/csv"
    assert (
        post["type"] == "application/x-www-form-urlencoded"
        and post["body"] == "query=ASK+%7B+%3Fs+%3Fp+%22%C3%A9%22+%7D"
    )
    assert post["expect"] is None, "no 100-continue round trip"
    assert get["method"] == "GET" and get["path"] == "/queries/studies?study=aall1331" and get["body"] == ""
    assert get["port"] == post["port"], "the connection is kept alive and reused"
    client.close()


def test_the_answers_headers_are_reported_without_the_status_line(server: str) -> None:
    client = KeptAliveClient(server, timeout=5)
    client.send(Request.get("/"))
    assert client.last_headers["x-relapsekg-answer"] == "cache"
    assert client.last_headers["content-type"] == "application/json"
    assert not any(name.startswith("http/") for name in client.last_headers)


def test_an_error_status_a_timeout_and_no_server_are_told_apart(server: str) -> None:
    client = KeptAliveClient(server, timeout=0.3)
    with pytest.raises(HTTPStatusError) as error:
        client.send(Request.get("/status/400"))
    assert error.value.status == 400
    with pytest.raises(TimeoutError):
        client.send(Request.get("/slow"))
    with pytest.raises(ConnectionError):
        KeptAliveClient(f"http://127.0.0.1:{free_port()}", timeout=1).send(Request.get("/"))
    assert json.loads(client.send(Request.get("/")))["method"] == "GET", "the client recovers after a timeout"
