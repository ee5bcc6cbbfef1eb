"""TLS verification with a configured CA file, and delivery through an HTTP proxy."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ingest_stub import IngestStub

from jtlcloud_agent.transport import Transport, TransportError

BODY = b'{"readings":[{"channel":"a","ts":1795000000,"value":1}],"events":[]}'
HEADERS = {"Authorization": "Bearer test-key", "Content-Type": "application/json"}


@pytest.fixture
def tls_stub(tmp_path: Path) -> Any:
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = IngestStub()
    server.start(tls=context)
    yield server, cert
    server.stop()


def test_it_verifies_the_server_against_the_configured_ca_file(tls_stub: Any) -> None:
    server, cert = tls_stub
    answer = Transport(server.url, str(cert), "none", 5).post("/api/v1/ingest", BODY, HEADERS)
    assert answer.status == 200
    assert len(server.readings()) == 1


def test_it_refuses_a_server_whose_certificate_it_cannot_verify(tls_stub: Any) -> None:
    server, _ = tls_stub
    with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        Transport(server.url, None, "none", 5).post("/api/v1/ingest", BODY, HEADERS)
    assert server.readings() == []


def test_it_sends_through_the_configured_proxy_with_credentials(stub: Any) -> None:
    # The stub plays the proxy: it receives the absolute URL and the proxy credentials.
    proxy = stub.url.replace("http://", "http://agent:s%40cret@")
    transport = Transport("http://cloud.example.com:8080", None, proxy, 5)
    assert transport.post("/api/v1/ingest", BODY, HEADERS).status == 200
    request = stub.requests[-1]
    assert request["path"] == "http://cloud.example.com:8080/api/v1/ingest"
    assert request["headers"]["Proxy-Authorization"] == "Basic YWdlbnQ6c0BjcmV0"


def test_proxy_none_ignores_the_proxy_environment(stub: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    assert Transport(stub.url, None, "none", 5).post("/api/v1/ingest", BODY, HEADERS).status == 200


class _ClosesIdleConnections(http.server.BaseHTTPRequestHandler):
    """Answers, then drops the connection unannounced, as a keep-alive timeout does."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: Any) -> None:
        pass


def test_it_sends_again_on_a_new_connection_when_the_server_dropped_the_idle_one() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ClosesIdleConnections)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        transport = Transport(f"http://127.0.0.1:{server.server_port}", None, None, 5)
        first = transport.post("/api/v1/ingest", b"{}", {"Content-Type": "application/json"})
        time.sleep(0.2)  # the server has closed its end by now
        second = transport.post("/api/v1/ingest", b"{}", {"Content-Type": "application/json"})
        assert (first.status, second.status) == (200, 200)
    finally:
        server.shutdown()
        server.server_close()
