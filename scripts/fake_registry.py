#!/usr/bin/env python3
"""A scriptable OCI-distribution stand-in for the Registry tests (Python 3 stdlib only).

Binds 127.0.0.1 on a free port, prints the port on the first line of stdout, and exits when
stdin reaches EOF (so it dies with the test process). Behaviour is chosen by the repository
name: /v2/<scenario>/app/... (see `scenario` below; `chaos` fails at random, for soak tests). GET /_stats returns request counters.
"""
import base64
import hashlib
import json
import random
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USER, PASSWORD = "alice", "s3cret"
REFRESH_TOKEN = "refresh-123"
BIG_TAGS = 1_000_000
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": "sha256:" + "0" * 64, "size": 2}, "layers": []}).encode()

lock = threading.Lock()
stats = {}
inflight = {"now": 0, "max": 0}
tokens = {}  # token -> expiry (monotonic)


def count(key):
    with lock:
        stats[key] = stats.get(key, 0) + 1
        return stats[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        count("connections")  # one per TCP connection: shows whether the client reuses them
        super().setup()

    # -- helpers -------------------------------------------------------------
    def send(self, status, body=b"", headers=None, content_type="application/json", head=False):
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def origin(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def basic_ok(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
        except Exception:
            return False
        return user == USER and pw == PASSWORD

    def bearer_ok(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return False
        with lock:
            exp = tokens.get(auth[7:])
        return exp is not None and exp > time.monotonic()

    def tags_page(self, name, tags):
        return {"name": name, "tags": tags}

    # -- token endpoints -----------------------------------------------------
    def token_endpoint(self, query, form=None):
        q = form if form is not None else query
        scope = (q.get("scope") or [""])[0]
        count("token:" + scope)
        with lock:
            stats["last_service"] = (q.get("service") or [""])[0]
        if form is not None:
            if (form.get("grant_type") or [""])[0] != "refresh_token" or (form.get("refresh_token") or [""])[0] != REFRESH_TOKEN:
                return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad refresh token"}]})
        elif scope.startswith("repository:tokenanon/"):
            pass  # anonymous pulls allowed
        elif self.basic_ok() is not True:
            return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
        expires = 1 if "short" in scope else 300
        token = "tok-%d-%f" % (count("issued"), time.monotonic())
        with lock:
            # Advertise the short lifetime but honour the token for a minute: the test checks
            # that the client drops its cached token after expires_in, and must not fail because
            # a loaded machine took over a second between issuing the token and using it.
            tokens[token] = time.monotonic() + max(expires, 60)
        body = {"access_token": token} if ("access" in scope or form is not None) else {"token": token}
        body["expires_in"] = expires
        self.send(200, body)

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        if url.path == "/oauth2/token":
            return self.token_endpoint({}, form)
        if url.path == "/oauth2/token404":
            count("oauth404:post")
            return self.send(404, {"errors": [{"code": "NOT_FOUND", "message": "no oauth"}]})
        self.send(404, "")

    def do_HEAD(self):
        self.handle_get(head=True)

    def do_GET(self):
        self.handle_get(head=False)

    # -- registry API --------------------------------------------------------
    def handle_get(self, head):
        if self.path.startswith("http://"):
            # Absolute-form request: we are being used as a forward proxy (the proxy tests).
            count("proxied:" + urlsplit(self.path).netloc)
            expected = "Basic " + base64.b64encode(b"proxyuser:proxypass").decode()
            if self.headers.get("Proxy-Authorization") != expected:
                return self.send(407, "proxy auth required", {"Proxy-Authenticate": 'Basic realm="proxy"'},
                                 content_type="text/plain")
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/_stats":
            with lock:
                return self.send(200, dict(stats, inflight_max=inflight["max"]))
        if url.path in ("/token", "/oauth2/token404"):
            if url.path == "/oauth2/token404":
                count("oauth404:get")
                query = dict(query)
                # The fallback GET carries no Basic credentials for identity tokens: allow it.
                scope = (query.get("scope") or [""])[0]
                count("token:" + scope)
                token = "tok-%d" % count("issued")
                with lock:
                    tokens[token] = time.monotonic() + 300
                return self.send(200, {"token": token})
            return self.token_endpoint(query)
        parts = url.path.split("/")
        # /v2/<scenario>/app/(tags/list|manifests/<ref>)
        if len(parts) < 5 or parts[1] != "v2":
            return self.send(404, {"errors": [{"code": "NOT_FOUND", "message": "unknown path"}]})
        scenario, name = parts[2], parts[2] + "/" + parts[3]
        kind = "/".join(parts[4:])
        n = count(scenario + ":" + kind)
        with lock:
            inflight["now"] += 1
            inflight["max"] = max(inflight["max"], inflight["now"])
        try:
            self.scenario(scenario, name, kind, query, n, head)
        finally:
            with lock:
                inflight["now"] -= 1

    def challenge(self, name):
        realm = self.origin() + ("/oauth2/token" if name.startswith("oauth/") else
                                 "/oauth2/token404" if name.startswith("oauth404/") else "/token")
        return {"WWW-Authenticate": 'Bearer realm="%s",service="fake.registry",scope="repository:%s:pull"' % (realm, name)}

    def scenario(self, scenario, name, kind, query, n, head):
        tags = ["v1", "v2", "v3"]
        if scenario in ("token", "tokenshort", "tokenaccess", "tokenanon", "oauth", "oauth404"):
            if not self.bearer_ok():
                return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                                 self.challenge(name))
            return self.send(200, self.tags_page(name, tags))
        if scenario == "basic":
            if self.basic_ok() is not True:
                return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                                 {"WWW-Authenticate": 'Basic realm="fake"'})
            return self.send(200, self.tags_page(name, tags))
        if scenario == "chaos":
            # Soak tests: any request may fail in any of the ways registries fail.
            roll = random.random()
            if roll < 0.15:
                return self.send(500, "oops", content_type="text/plain")
            if roll < 0.25:
                return self.send(429, {"errors": [{"code": "TOOMANYREQUESTS", "message": "slow down"}]},
                                 {"Retry-After": "1"})
            if roll < 0.32:  # connection reset, no response at all
                self.close_connection = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                return
            if roll < 0.37:  # a body shorter than its Content-Length
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"name":"chaos/app","tags":["1.0.0"')
                self.wfile.flush()
                self.close_connection = True
                return
            if roll < 0.42:
                return self.send(200, b'{"name":"chaos/app","tags":[1,2')
            if roll < 0.47:
                time.sleep(3)
            # The tag list grows every 10 s and comes in two pages.
            all_tags = ["1.%d.0" % i for i in range(5 + int(time.time() // 10) % 50)]
            half = len(all_tags) // 2
            if "last" not in query:
                return self.send(200, self.tags_page(name, all_tags[:half]),
                                 {"Link": '</v2/%s/tags/list?last=%s>; rel="next"' % (name, all_tags[half - 1])})
            return self.send(200, self.tags_page(name, all_tags[half:]))
        if scenario == "flaky":
            if n <= 2:
                return self.send(500 if n == 1 else 503, "oops", content_type="text/plain")
            return self.send(200, self.tags_page(name, tags))
        if scenario == "alwayserr":
            return self.send(502, "bad gateway", content_type="text/plain")
        if scenario == "ratelimit":
            if n == 1:
                return self.send(429, {"errors": [{"code": "TOOMANYREQUESTS", "message": "slow down"}]},
                                 {"Retry-After": "1"})
            return self.send(200, self.tags_page(name, tags))
        if scenario == "ratelimitlong":
            return self.send(429, {"errors": [{"code": "TOOMANYREQUESTS", "message": "slow down"}]},
                             {"Retry-After": "120"})
        if scenario == "slow":
            time.sleep(float((query.get("sleep") or ["30"])[0]))
            return self.send(200, self.tags_page(name, tags))
        if scenario == "slowish":  # for the concurrency limit
            time.sleep(0.3)
            return self.send(200, b"{}", {"Docker-Content-Digest": "sha256:" + "a" * 64}, head=head)
        if scenario == "truncated":
            body = b'{"name":"truncated/app","tags":["v1"'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if scenario == "hugeheaders":
            return self.send(200, self.tags_page(name, tags), {"X-Filler-%d" % i: "x" * 1000 for i in range(400)})
        if scenario == "cutjson":
            return self.send(200, b'{"name":"cutjson/app","tags":["v1",')
        if scenario == "wrongtype":
            return self.send(200, b'{"name":"wrongtype/app","tags":"v1"}')
        if scenario == "notjson":
            return self.send(200, b"<html>hello</html>", content_type="text/html")
        if scenario == "nulltags":
            return self.send(200, b'{"name":"nulltags/app","tags":null}')
        if scenario == "denied":
            return self.send(403, {"errors": [{"code": "DENIED", "message": "requested access to the resource is denied"}]})
        if scenario == "otherhost":
            return self.send(200, self.tags_page(name, ["a"]),
                             {"Link": '<http://evil.example:%d/v2/otherhost/app/tags/list?last=a>; rel="next"' % self.server.server_address[1]})
        if scenario == "cycle":
            if "last" in query:
                return self.send(200, self.tags_page(name, ["b"]), {"Link": '</v2/cycle/app/tags/list?n=1000>; rel="next"'})
            return self.send(200, self.tags_page(name, ["a"]), {"Link": '</v2/cycle/app/tags/list?last=a>; rel="next"'})
        if scenario == "relative":
            last = (query.get("last") or [""])[0]
            if last == "":
                return self.send(200, self.tags_page(name, ["a", "b"]), {"Link": '</v2/relative/app/tags/list?last=b&n=2>; rel="next"'})
            if last == "b":
                return self.send(200, self.tags_page(name, ["c", "d"]), {"Link": '<list?last=d&n=2>; rel="next"'})
            if last == "d":
                return self.send(200, self.tags_page(name, ["e"]), {"Link": '<%s/v2/relative/app/tags/list?last=e>; rel="next"' % self.origin()})
            return self.send(200, self.tags_page(name, []))
        if scenario == "big":
            size = min(int((query.get("n") or ["1000"])[0]), 10000)
            start = int((query.get("last") or ["-1"])[0]) + 1
            end = min(start + size, BIG_TAGS)
            page = ["%d" % i for i in range(start, end)]
            headers = {}
            if end < BIG_TAGS:
                headers["Link"] = '</v2/big/app/tags/list?n=%d&last=%d>; rel="next"' % (size, end - 1)
            return self.send(200, self.tags_page(name, page), headers)
        if scenario == "quay":
            # Quay refuses page sizes over 100 (TOO_MANY_TAGS_REQUESTED, 413) and pages by 50 without n.
            size = int((query.get("n") or ["50"])[0])
            if size > 100:
                count("quay:refused")
                return self.send(413, {"errors": [{"code": "TOO_MANY_TAGS_REQUESTED",
                    "message": "Too many tags requested; requested limit %d is too high, max is 100" % size}]})
            start = int((query.get("last") or ["-1"])[0]) + 1
            end = min(start + size, 250)
            headers = {}
            if end < 250:
                headers["Link"] = '</v2/quay/app/tags/list?n=%d&last=%d>; rel="next"' % (size, end - 1)
            return self.send(200, self.tags_page(name, ["%d" % i for i in range(start, end)]), headers)
        if scenario == "bigone":
            page = json.dumps(self.tags_page(name, ["tag-%07d" % i for i in range(BIG_TAGS)]))
            return self.send(200, page)
        if scenario == "nodigest":
            if kind != "manifests/v1":
                return self.send(404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}, head=head)
            if head:
                return self.send(200, MANIFEST, content_type="application/vnd.oci.image.manifest.v1+json", head=True)
            return self.send(200, MANIFEST, content_type="application/vnd.oci.image.manifest.v1+json")
        if scenario == "nohead":
            if head:
                return self.send(405, b"", head=True)
            return self.send(200, MANIFEST, content_type="application/vnd.oci.image.manifest.v1+json")
        self.send(404, {"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}]}, head=head)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    print("manifest-sha256", hashlib.sha256(MANIFEST).hexdigest(), flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # EOF when the test process closes the pipe or dies


if __name__ == "__main__":
    main()
