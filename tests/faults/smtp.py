"""A tiny SMTP server in a thread, for e-mail fault tests: it can refuse at the greeting, refuse recipients, or
accept and keep every message it is given."""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server
        server.connections += 1
        if server.mode == "greeting":
            self._reply("554 5.3.2 Service refused")
            return
        self._reply("220 faults.test ESMTP")
        message = None
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if message is not None:  # inside DATA
                if command == ".":
                    server.messages.append(b"".join(message))
                    message = None
                    self._reply("250 2.0.0 Queued")
                else:
                    message.append(line)
            elif verb in ("EHLO", "HELO"):
                self._reply("250 faults.test")
            elif verb == "MAIL":
                self._reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                self._reply("554 5.7.1 Relay access denied" if server.mode == "rcpt" else "250 2.1.5 Ok")
            elif verb == "DATA":
                message = []
                self._reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == "QUIT":
                self._reply("221 2.0.0 Bye")
                return
            else:  # RSET, NOOP
                self._reply("250 2.0.0 Ok")


class SMTPServer(socketserver.ThreadingTCPServer):
    """`mode`: "accept", "greeting" (554 on connect) or "rcpt" (554 to every recipient); change it at any time."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str = "accept"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.connections = 0
        self.messages: list[bytes] = []
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.shutdown()
        self.server_close()
