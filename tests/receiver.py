"""A real HTTP server on 127.0.0.1 that records the alerts posted to it."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers each POST with the next status from `statuses` (200 once they run out)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []  # (status answered, headers with lower-case names, body)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append((status, {name.lower(): value for name, value in self.headers.items()},
                                              body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def successes(self):
        return [entry for entry in self.received if 200 <= entry[0] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
