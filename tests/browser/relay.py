"""The network between the browser and the live server, as something a test can cut.

`context.set_offline(True)` is Chromium's emulation: it stops the page's own requests, but not
every request the browser makes (its service-worker update check, for one, still goes out). An
offline test that only emulates could pass while the server quietly answered. So the browser
reaches the live server through this relay, and a test going offline also cuts the relay:

- while cut, a new connection is accepted and closed at once, as a dead network would, and an
  open connection that carries anything is closed without passing it on (connections are not
  closed at the moment of the cut: a tablet losing its signal does not reset its sockets);
- the server counts the requests that arrive over the relay (`RequestLog`), so a test can say
  that none reached it while the network was cut. A request is counted by when the relay passed
  its bytes on, not when the server got round to it: one the browser sent just before the cut
  (a service worker's update check as a page opens) may reach the app a moment after it, and
  was not sent offline.

`stall()` is the other kind of bad network: one bar of signal, or Wi-Fi with no internet. The
browser believes it is online; connections are accepted and requests sent, and nothing comes
back, until `restore()`. Nothing passes to the server meanwhile either.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any


class RequestLog:
    """WSGI middleware in front of the live app: the client port of each request, so requests
    that came over the relay (from its upstream sockets) can be counted."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()
        # Told by the relay: for a client port that is one of its open upstream connections, how
        # many cuts had begun when it last passed bytes on; None for any other port. (Asked as
        # the request arrives: a port is reused once its connection closes.)
        self.via_relay: Callable[[int], int | None] = lambda port: None
        # (cuts begun when its bytes were passed on, or None if not over the relay; path)
        self.requests: list[tuple[int | None, str]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        relayed = self.via_relay(int(environ.get("REMOTE_PORT") or 0))
        with self.lock:
            self.requests.append((relayed, environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)

    def mark(self) -> int:
        with self.lock:
            return len(self.requests)

    def relayed_during(self, cut: int, mark: int) -> list[str]:
        """Paths of the requests that reached the app over the relay since `mark` (the cut's
        start), but for those whose bytes it passed on before cut number `cut` began. Requests
        that came another way are not counted: a test's second device (another browser context
        on the live server itself) stays online while the tablet is cut off."""
        with self.lock:
            return [path for sent, path in self.requests[mark:] if sent is not None and sent >= cut]


class Relay:
    def __init__(self, target_port: int, log: RequestLog) -> None:
        self.target_port = target_port
        self.log = log
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.cut_now = False
        self.stalled = False
        self.held: list[socket.socket] = []  # connections taken and left unanswered while stalled
        self.cuts = 0  # cuts begun so far
        self.turned_away = 0  # connections and requests stopped while cut
        # Connections open now, by upstream port: how many cuts had begun when each last passed
        # bytes on to the server.
        self.upstream_ports: dict[int, int] = {}
        self.cut_at_mark = 0
        self.running = True
        log.via_relay = self._is_upstream
        threading.Thread(target=self._accept, daemon=True).start()

    # -- the test's side ------------------------------------------------------------------------

    def cut(self) -> None:
        with self.lock:
            self.cut_now = True
            self.cuts += 1
            self.cut_at_mark = self.log.mark()

    def stall(self) -> None:
        """The network answers nothing, though connections open (`restore` ends it)."""
        with self.lock:
            self.stalled = True
            self.cuts += 1
            self.cut_at_mark = self.log.mark()

    def restore(self) -> list[str]:
        """Join the network again; the requests that reached the server over the relay while it
        was cut or stalled (there should be none)."""
        with self.lock:
            # Counted before the network is back, so nothing sent afterwards is counted.
            reached = self.log.relayed_during(self.cuts, self.cut_at_mark)
            self.cut_now = self.stalled = False
            held, self.held = self.held, []
        for connection in held:
            connection.close()
        return reached

    def stop(self) -> None:
        self.running = False
        self.listener.close()

    # -- the network's side ---------------------------------------------------------------------

    def _is_upstream(self, port: int) -> int | None:
        with self.lock:
            return self.upstream_ports.get(port)

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.cut_now:
                    self.turned_away += 1
                    client.close()
                    continue
                if self.stalled:  # taken, and never answered
                    self.turned_away += 1
                    self.held.append(client)
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            port = upstream.getsockname()[1]
            with self.lock:
                self.upstream_ports[port] = self.cuts
            for source, sink, to_server in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(
                    target=self._pump, args=(source, sink, to_server, port), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, to_server: bool, port: int) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if to_server:
                    with self.lock:
                        if self.cut_now:
                            self.turned_away += 1
                            break  # nothing passes: the connection dies, as on a dead network
                        if self.stalled:
                            self.turned_away += 1
                            continue  # nothing passes, and nothing is said: one bar of signal
                        # When these bytes went: before or after a cut began (RequestLog).
                        # Only while the connection is open: its port may be reused after.
                        if port in self.upstream_ports:
                            self.upstream_ports[port] = self.cuts
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.upstream_ports.pop(port, None)
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
