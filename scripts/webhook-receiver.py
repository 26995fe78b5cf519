#!/usr/bin/env python3
"""Notification receiver for tests and the demo: records every POST.

Usage: webhook-receiver.py OUTPUT_FILE
Binds 127.0.0.1 on a random port, prints "PORT <n>" once listening, and appends each request
as one JSON line {"path": ..., "body": <the parsed JSON body>} to OUTPUT_FILE. Answers 200,
except for paths starting with /fail, which get 500 (to exercise retries).
Exits when stdin closes.
"""
import http.server
import json
import sys
import threading


def main():
    output = sys.argv[1]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = body.decode("utf-8", "replace")
            with lock, open(output, "a") as f:
                f.write(json.dumps({"path": self.path, "body": parsed}) + "\n")
            status = 500 if self.path.startswith("/fail") else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
