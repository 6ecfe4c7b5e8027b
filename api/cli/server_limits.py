"""Limits on the clients of `vledger serve` (issue 13; docs/decisions/0025):
a deadline to send the request line and headers, a deadline to send the
body once the headers are in, and a cap on open connections.

uvicorn times out only an idle keep-alive connection; a client that connects
and sends one byte a second holds its socket (and a file descriptor) for as
long as it likes. Here the HTTP/1.1 protocol that uvicorn runs (h11) is
subclassed: a timer starts when a connection opens (and when the first byte
of a following request arrives) and cuts the connection, with a 408, if the
headers are not complete in time; a second timer does the same for the body.
A connection beyond the cap is answered 503 and closed at once.

Only `protocol_with_limits` imports uvicorn, so the command line stays fast."""

from __future__ import annotations

from dataclasses import dataclass

import typer

DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_CONNECTIONS = 256
TOO_SLOW = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
TOO_MANY = (b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
            b"Content-Length: 0\r\n\r\n")

HeaderTimeoutOption = typer.Option(
    DEFAULT_HEADER_TIMEOUT_SECONDS, "--header-timeout", min=0.1, max=600, envvar="VLEDGER_HEADER_TIMEOUT_SECONDS",
    help="Seconds a client has to send a request's line and headers; then it is cut off.")
BodyTimeoutOption = typer.Option(
    DEFAULT_BODY_TIMEOUT_SECONDS, "--body-timeout", min=0.1, max=3600, envvar="VLEDGER_BODY_TIMEOUT_SECONDS",
    help="Seconds a client has to send a request's body once its headers are in; then it is cut off.")
MaxConnectionsOption = typer.Option(
    DEFAULT_MAX_CONNECTIONS, "--max-connections", min=1, max=65535, envvar="VLEDGER_MAX_CONNECTIONS",
    help="Open connections served at once; one more is answered 503 and closed.")


@dataclass(frozen=True)
class ServerLimits:
    header_timeout_seconds: float = DEFAULT_HEADER_TIMEOUT_SECONDS
    body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    def __post_init__(self) -> None:
        assert self.header_timeout_seconds > 0 and self.body_timeout_seconds > 0 and self.max_connections >= 1

    def describe(self) -> str:
        return (f"headers within {self.header_timeout_seconds:g} s, body within {self.body_timeout_seconds:g} s, "
                f"at most {self.max_connections} connections")


def protocol_with_limits(limits: ServerLimits) -> type:
    """uvicorn's h11 protocol with the read deadlines and the connection cap;
    pass it as `uvicorn.run(..., http=protocol_with_limits(limits))`."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class LimitedH11Protocol(H11Protocol):
        _header_deadline = None
        _body_deadline = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                self.logger.warning("refused a connection: %d open, the cap is %d", len(self.connections) - 1,
                                    limits.max_connections)
                transport.write(TOO_MANY)
                transport.close()
                return
            self._header_deadline = self.loop.call_later(limits.header_timeout_seconds, self._cut, "headers")

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._follow_request()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._follow_request()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel()
            super().connection_lost(exc)

        def _follow_request(self) -> None:
            """Arm the deadline of the part of the request being read, disarm the others."""
            if self.transport.is_closing():
                self._cancel()
                return
            state = self.conn.their_state
            if state is h11.IDLE and self.conn.trailing_data[0]:  # part of a request line or headers is in
                if self._header_deadline is None:
                    self._header_deadline = self.loop.call_later(limits.header_timeout_seconds, self._cut,
                                                                 "headers")
            elif state is h11.SEND_BODY:
                self._cancel(header=True, body=False)
                if self._body_deadline is None:
                    self._body_deadline = self.loop.call_later(limits.body_timeout_seconds, self._cut, "body")
            elif state is not h11.IDLE:
                self._cancel()

        def _cancel(self, header: bool = True, body: bool = True) -> None:
            if header and self._header_deadline is not None:
                self._header_deadline.cancel()
                self._header_deadline = None
            if body and self._body_deadline is not None:
                self._body_deadline.cancel()
                self._body_deadline = None

        def _cut(self, part: str) -> None:
            self._header_deadline = self._body_deadline = None
            if self.transport.is_closing():
                return
            seconds = limits.header_timeout_seconds if part == "headers" else limits.body_timeout_seconds
            self.logger.warning("cut off a client that did not send the request %s within %g s", part, seconds)
            if part == "headers" or self.cycle is None or not self.cycle.response_started:
                self.transport.write(TOO_SLOW)
            self.transport.close()

    return LimitedH11Protocol
