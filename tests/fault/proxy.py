"""A small round-robin TCP proxy, the test's stand-in for the load balancer in front of HTTP copies.

Each accepted connection goes to the next backend that accepts one (a dead copy is passed over), and
its bytes are pumped both ways until either side closes. Keep-alive connections stay on their copy, as
they would behind most balancers; a copy's death cuts them, and the client's next connection goes on.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading


class RoundRobinProxy:
    """Listens on `port` (of 127.0.0.1) and spreads connections over `backends` (ports of 127.0.0.1)."""

    def __init__(self, port: int, backends: list[int]) -> None:
        self.port, self.backends = port, backends
        self._turn = itertools.count()
        self._server = socket.create_server(("127.0.0.1", port), backlog=128)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name=f"proxy-{port}")

    def __enter__(self) -> RoundRobinProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._server.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect(self) -> socket.socket | None:
        for _ in range(len(self.backends)):
            port = self.backends[next(self._turn) % len(self.backends)]
            with contextlib.suppress(OSError):
                return socket.create_connection(("127.0.0.1", port), timeout=2)
        return None

    def _serve(self, client: socket.socket) -> None:
        backend = self._connect()
        if backend is None:
            client.close()
            return
        backend.settimeout(None)
        threading.Thread(target=_pump, args=(backend, client), daemon=True).start()
        _pump(client, backend)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes from `source` to `sink` until one ends, then close both."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
