"""Shared plumbing for the loopback token services the CloudIdentity tests start
(fake-github-api.py, fake-azure-identity.py, fake-gcp-metadata.py).

Each binds 127.0.0.1 on a random port, prints "PORT <n>" once listening and exits when
stdin closes (the test owning the pipe stops it). Test controls, outside the real APIs:
  GET /_test/counts         -> {"<endpoint>": n, ..., "rejections": ["why", ...]}
  GET /_test/mode?set=NAME  -> makes later requests fail the way NAME says ("none" resets)
"""
import http.server
import json
import sys
import threading
import urllib.parse


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.rejections = []
        self.mode = "none"

    def count(self, name):
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1

    def reject(self, why):
        with self.lock:
            self.rejections.append(why)


def make_handler(state, route):
    """route(handler, method, path, query, body) -> (status, content_type, body_bytes)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # keep test output quiet
            pass

        def handle_any(self, method):
            parsed = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length", "0") or "0")
            body = self.rfile.read(length) if length else b""
            if parsed.path == "/_test/counts":
                with state.lock:
                    answer = dict(state.counts, rejections=list(state.rejections))
                result = (200, "application/json", json.dumps(answer).encode())
            elif parsed.path == "/_test/mode":
                state.mode = query.get("set", ["none"])[0]
                result = (200, "text/plain", b"ok")
            else:
                result = route(self, method, parsed.path, query, body)
            status, content_type, payload = result
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

    return Handler


def json_answer(status, obj):
    return (status, "application/json", json.dumps(obj).encode())


def form_fields(body):
    """A form body as a dict of single values (a repeated field is a rejection of its own)."""
    fields = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


def serve(state, route):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, route))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes our stdin
