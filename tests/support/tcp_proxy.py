"""A TCP proxy on 127.0.0.1 that a test controls: put it between the app and PostgreSQL, then
cut it (every open connection dropped, new ones refused at once) and restore it. A database
restart or a network failure, without touching the shared PostgreSQL server."""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    """Sockets are only ever closed by the last of a pair's two pump threads: closing a socket
    another thread is still using would free its descriptor number while that thread may act
    on it, and hit whatever socket reuses the number next (the app's own connections)."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_cut = threading.Event()
        self.closed = threading.Event()
        self.pairs: list[_Pair] = []
        self.lock = threading.Lock()
        self.accepted = 0
        self.thread = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)
        self.thread.start()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cut(self) -> None:
        """Drop every connection now; refuse new ones until `restore()`."""
        self.is_cut.set()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            pair.shutdown()

    def restore(self) -> None:
        self.is_cut.clear()

    def close(self) -> None:
        self.closed.set()
        self.cut()
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()  # wake accept()
        except OSError:
            pass
        self.thread.join(5)
        self.listener.close()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.closed.is_set():
                client.close()
                return
            if self.is_cut.is_set():
                _refuse(client)  # like a server that is down: the connection ends at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _refuse(client)
                continue
            upstream.settimeout(None)
            pair = _Pair(client, upstream)
            with self.lock:
                self.pairs.append(pair)
                self.accepted += 1
            pair.start()


class _Pair:
    def __init__(self, client: socket.socket, upstream: socket.socket):
        self.sockets = (client, upstream)
        self.running = 2
        self.lock = threading.Lock()

    def start(self) -> None:
        client, upstream = self.sockets
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def shutdown(self) -> None:
        """Both ends see the connection end; blocked reads return. Nothing is closed here."""
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        self.shutdown()
        with self.lock:
            self.running -= 1
            last = self.running == 0
        if last:
            for sock in self.sockets:
                sock.close()


def _refuse(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
