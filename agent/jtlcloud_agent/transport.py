"""HTTP(S) to the server over one kept-alive connection, with optional CA file and proxy.

http.client rather than urllib so that the connection is reused between batches (a TLS
handshake per batch would dominate on slow links) and can be aborted from another thread
at shutdown.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass


class TransportError(OSError):
    """The request did not produce an HTTP answer (refused, reset, timed out, TLS failure)."""


# What a server's closing of an idle kept-alive connection looks like on the next send.
_STALE_CONNECTION = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


class Transport:
    def __init__(self, server: str, ca_file: str | None, proxy: str | None, timeout: float) -> None:
        url = urllib.parse.urlsplit(server)
        self.scheme = url.scheme
        self.host = url.hostname or ""
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.prefix = url.path.rstrip("/")
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=ca_file) if url.scheme == "https" else None
        self.proxy = _choose_proxy(server, proxy)
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        target = self.prefix + path
        headers = dict(headers)
        if self.proxy is not None and self.scheme == "http":
            # A plain-HTTP proxy takes the absolute URL; HTTPS goes through a CONNECT tunnel.
            target = f"http://{self.host}:{self.port}{target}"
            headers.update(self.proxy.auth_header)
        reused = self._conn is not None
        try:
            response, data = self._exchange(target, body, headers)
        except _STALE_CONNECTION:
            self.close()
            if not reused:
                raise TransportError("the server closed the connection") from None
            # The server dropped the idle kept-alive connection between sends. Ingest is
            # idempotent (duplicates are stored once), so sending again on a new one is safe.
            try:
                response, data = self._exchange(target, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        if answer.headers.get("connection", "").lower() == "close":
            self.close()
        return answer

    def _exchange(
        self, target: str, body: bytes, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = self._connection()
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()

    def _connection(self) -> http.client.HTTPConnection:
        with self._lock:
            if self._conn is None:
                self._conn = self._open()
            return self._conn

    def _open(self) -> http.client.HTTPConnection:
        host, port = (self.proxy.host, self.proxy.port) if self.proxy else (self.host, self.port)
        if self.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=self.context
            )
            if self.proxy:
                conn.set_tunnel(self.host, self.port, headers=self.proxy.auth_header)
            return conn
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def abort(self) -> None:
        """Break an in-flight request from another thread (used at shutdown)."""
        with self._lock:
            conn = self._conn
        sock = getattr(conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int
    auth_header: dict[str, str]


def _choose_proxy(server: str, configured: str | None) -> Proxy | None:
    """An explicit proxy wins; "none" disables; otherwise the usual *_proxy variables apply."""
    if configured and configured.lower() in ("none", "direct"):
        return None
    if not configured:
        host = urllib.parse.urlsplit(server).hostname or ""
        if urllib.request.proxy_bypass(host):
            return None
        configured = urllib.request.getproxies().get(urllib.parse.urlsplit(server).scheme)
        if not configured:
            return None
    url = urllib.parse.urlsplit(configured if "://" in configured else "http://" + configured)
    auth: dict[str, str] = {}
    if url.username:
        pair = f"{urllib.parse.unquote(url.username)}:{urllib.parse.unquote(url.password or '')}"
        auth["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return Proxy(url.hostname or "", url.port or 8080, auth)
