#!/usr/bin/env python3
"""A loopback GitHub API for GitHub App tests: verifies the app JWT with PyJWT against the
app's public key, serves the installation lookups and installation access tokens.

Usage: fake-github-api.py --public-key PEM_FILE --app-id N --installation-id N
           [--owner LOGIN --owner-kind org|user] [--token T] [--expires-in S] [--prefix /api/v3]
Modes (GET /_test/mode?set=...): server-error (500 on every API call).
See fake_identity_common.py for PORT, stdin and /_test/counts.
"""
import argparse
import datetime
import time

import jwt  # PyJWT (pip install 'pyjwt[crypto]')

from fake_identity_common import State, json_answer, serve

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--public-key", required=True)
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--installation-id", type=int, required=True)
    ap.add_argument("--owner")
    ap.add_argument("--owner-kind", choices=["org", "user"], default="org")
    ap.add_argument("--token", default="ghs_loopbackInstallationToken")
    ap.add_argument("--expires-in", type=int, default=3600)
    ap.add_argument("--prefix", default="")
    args = ap.parse_args()
    public_key = open(args.public_key, "rb").read()
    state = State()

    def verify_app_jwt(handler):
        """None when the request carries a valid app JWT, else why not."""
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "no bearer token"
        token = header[len("Bearer "):]
        try:
            if jwt.get_unverified_header(token).get("alg") != "RS256":
                return "alg is not RS256"
            claims = jwt.decode(
                token, public_key, algorithms=["RS256"], issuer=args.app_id,
                options={"require": ["iat", "exp", "iss"]})
        except jwt.PyJWTError as e:
            return "invalid JWT: %s" % e
        now = time.time()
        if claims["iat"] > now + 1:
            return "iat in the future"
        if claims["exp"] - claims["iat"] > 600:
            return "JWT lives longer than 10 minutes"
        return None

    def route(handler, method, path, query, body):
        if not path.startswith(args.prefix + "/"):
            return json_answer(404, NOT_FOUND)
        path = path[len(args.prefix):]
        if not handler.headers.get("User-Agent"):
            state.reject("no User-Agent")
            return json_answer(403, {"message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"})
        problem = verify_app_jwt(handler)
        if problem:
            state.reject(problem)
            return json_answer(401, {"message": "A JSON web token could not be decoded", "documentation_url": "https://docs.github.com/rest"})
        if state.mode == "server-error":
            return json_answer(500, {"message": "Server Error"})
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 3 and parts[0] in ("orgs", "users") and parts[2] == "installation":
            state.count("installation_lookups")
            kind = "org" if parts[0] == "orgs" else "user"
            if args.owner and parts[1] == args.owner and kind == args.owner_kind:
                return json_answer(200, {"id": args.installation_id, "account": {"login": args.owner}})
            return json_answer(404, NOT_FOUND)
        if method == "POST" and len(parts) == 4 and parts[:2] == ["app", "installations"] and parts[3] == "access_tokens":
            state.count("access_tokens")
            if parts[2] != str(args.installation_id):
                return json_answer(404, NOT_FOUND)
            expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=args.expires_in)
            return json_answer(201, {
                "token": args.token,
                "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "permissions": {"contents": "write"},
                "repository_selection": "all",
            })
        return json_answer(404, NOT_FOUND)

    serve(state, route)


if __name__ == "__main__":
    main()
