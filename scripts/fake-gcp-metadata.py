#!/usr/bin/env python3
"""A loopback GCE/GKE metadata server for GCP registry-login tests: serves the default service
account's access token to requests with `Metadata-Flavor: Google` and Flux's scopes.

Usage: fake-gcp-metadata.py [--token T] [--expires-in S]
Modes (GET /_test/mode?set=...): error (500, plain text, as the metadata server answers).
See fake_identity_common.py for PORT, stdin and /_test/counts.
"""
import argparse

from fake_identity_common import State, json_answer, serve

SCOPES = "https://www.googleapis.com/auth/cloud-platform,https://www.googleapis.com/auth/userinfo.email"
TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--token", default="ya29.loopback-access-token")
    ap.add_argument("--expires-in", type=int, default=3599)
    args = ap.parse_args()
    state = State()

    def route(handler, method, path, query, body):
        if method != "GET" or path != TOKEN_PATH:
            return (404, "text/plain", b"Not Found\n")
        state.count("token")
        if handler.headers.get("Metadata-Flavor") != "Google":
            state.reject("no Metadata-Flavor header")
            return (403, "text/plain", b"Missing required header \"Metadata-Flavor\": \"Google\"\n")
        if query.get("scopes") != [SCOPES]:
            state.reject("scopes %r" % query.get("scopes"))
            return (400, "text/plain", b"unexpected scopes\n")
        if state.mode == "error":
            return (500, "text/plain", b"Internal Server Error: the service account has no token\n")
        return json_answer(200, {"access_token": args.token, "expires_in": args.expires_in, "token_type": "Bearer"})

    serve(state, route)


if __name__ == "__main__":
    main()
