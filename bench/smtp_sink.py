"""A mail relay for the benchmarks: a minimal SMTP server that accepts and counts messages.

`Sink()` starts it in a process of its own on a free port of 127.0.0.1. It answers what Python's
`smtplib` sends without TLS (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps nothing but the
recipients, and tells how many messages and distinct recipients it received (`counts()`).
"""
from __future__ import annotations

import multiprocessing
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        recipients: list[bytes] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            if verb == b"MAIL":
                recipients = []
            elif verb == b"RCPT":
                recipients.append(line[8:].strip().lower())
            elif verb == b"DATA":
                self.wfile.write(b"354 end with <CRLF>.<CRLF>\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.server.note(recipients)
            self.wfile.write(b"250 sink\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.messages = 0
        self.recipients: set[bytes] = set()

    def note(self, recipients: list[bytes]) -> None:
        with self.lock:
            self.messages += 1
            self.recipients.update(recipients)


def _serve(conn) -> None:
    server = _Server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn.send(server.server_address[1])
    while conn.recv() != "stop":
        with server.lock:
            conn.send((server.messages, len(server.recipients)))
    server.shutdown()
    conn.send((server.messages, len(server.recipients)))


class Sink:
    """The relay, in its own process (`pid`), listening on 127.0.0.1:`port`."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.pid = self._process.pid
        self.port = self._conn.recv()

    def counts(self) -> tuple[int, int]:
        """(messages, distinct recipients) received so far."""
        self._conn.send("count")
        return self._conn.recv()

    def stop(self) -> tuple[int, int]:
        self._conn.send("stop")
        counts = self._conn.recv()
        self._process.join(10)
        return counts
