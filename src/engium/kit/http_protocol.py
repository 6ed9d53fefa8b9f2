"""uvicorn's HTTP/1.1 protocol (httptools) with the two deadlines it lacks, so slow clients cannot hold
connections open for ever:

* a connection that has sent nothing, or nothing since its last response, is closed after the keep-alive
  timeout (uvicorn arms that timer only after a response, so a connection that never sends a request
  stayed open indefinitely);
* a request's headers must arrive in full within the header timeout from its first byte (slowloris: a
  client trickling one header byte at a time kept its connection, and a file descriptor, for ever).

Connections are cheap for asyncio, so the server stays responsive while they wait; the deadlines keep
their number bounded by the rate at which an attacker can open them.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class DeadlineHttpProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Idle from the start, like a kept-alive connection between requests.
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            self.transport.close()


def protocol_with_header_timeout(seconds: float) -> type[DeadlineHttpProtocol]:
    """uvicorn builds the protocol itself, so the setting travels as a subclass."""
    return type("ConfiguredDeadlineHttpProtocol", (DeadlineHttpProtocol,), {"header_timeout": seconds})
