"""A real SMTP server for tests (aiosmtpd on loopback), stoppable and restartable on its port.

    server = SmtpServer(); server.start()
    server.url            # smtp://127.0.0.1:<port>
    server.messages       # email.message.EmailMessage objects received, in order
    server.stop()         # simulate SMTP down; start() again brings it back on the same port

Recipients starting with "bounce" are refused for good (550), "tempfail" for now (451).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such user here"
        if address.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
