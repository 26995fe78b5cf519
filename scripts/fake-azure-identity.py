#!/usr/bin/env python3
"""A loopback Microsoft Entra token endpoint, Azure IMDS and ACR token exchange for Azure
registry-login tests, on one port (they are told apart by path). Each checks what it
receives and records what it rejects.

Usage: fake-azure-identity.py --tenant T --client-id C --registry R
           [--assertion-file F] [--client-secret S] [--refresh-lifetime S]
  POST /<tenant>/oauth2/v2.0/token      client assertion (== contents of F) or client secret
  GET  /metadata/identity/oauth2/token  IMDS: Metadata: true, api-version, resource
  POST /oauth2/exchange                 ACR: grant_type=access_token, service=R, the Entra token
Modes (GET /_test/mode?set=...): token-error (AADSTS700016), imds-error, exchange-error,
opaque-refresh (a refresh token that is not a JWT).
See fake_identity_common.py for PORT, stdin and /_test/counts.
"""
import argparse
import time

import jwt  # PyJWT

from fake_identity_common import State, form_fields, json_answer, serve

SCOPE = "https://containerregistry.azure.net/.default"
RESOURCE = "https://containerregistry.azure.net"
ENTRA_TOKEN = "entra-access-token-for-acr"
IMDS_TOKEN = "imds-access-token-for-acr"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--registry", required=True)
    ap.add_argument("--assertion-file")
    ap.add_argument("--client-secret")
    ap.add_argument("--refresh-lifetime", type=int, default=10800)
    args = ap.parse_args()
    state = State()

    def refuse(status, error, description):
        state.reject(description)
        return json_answer(status, {"error": error, "error_description": description})

    def token_endpoint(path, body):
        state.count("token")
        if path != "/%s/oauth2/v2.0/token" % args.tenant:
            return refuse(404, "invalid_tenant", "wrong tenant path %s" % path)
        f = form_fields(body)
        if state.mode == "token-error":
            return json_answer(400, {
                "error": "unauthorized_client",
                "error_description": "AADSTS700016: Application with identifier '%s' was not found in the directory 'Test'.\r\nTrace ID: 0000\r\nCorrelation ID: 1111" % args.client_id,
                "error_codes": [700016]})
        if f.get("client_id") != args.client_id:
            return refuse(400, "invalid_request", "client_id %r" % f.get("client_id"))
        if f.get("grant_type") != "client_credentials" or f.get("scope") != SCOPE:
            return refuse(400, "invalid_request", "grant_type/scope %r %r" % (f.get("grant_type"), f.get("scope")))
        if "client_assertion" in f:
            if f.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                return refuse(400, "invalid_request", "client_assertion_type")
            expected = open(args.assertion_file).read().strip() if args.assertion_file else None
            if f["client_assertion"] != expected:
                return refuse(401, "invalid_client", "client assertion differs from the federated token file")
        elif args.client_secret is None or f.get("client_secret") != args.client_secret:
            return refuse(401, "invalid_client", "no valid client credential")
        return json_answer(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": ENTRA_TOKEN})

    def imds(handler, query):
        state.count("imds")
        if handler.headers.get("Metadata") != "true":
            return refuse(400, "invalid_request", "Required metadata header not specified")
        if query.get("api-version") != ["2018-02-01"] or query.get("resource") != [RESOURCE]:
            return refuse(400, "invalid_request", "api-version/resource %r %r" % (query.get("api-version"), query.get("resource")))
        if query.get("client_id", [args.client_id]) != [args.client_id]:
            return refuse(400, "invalid_request", "Identity not found")
        if state.mode == "imds-error":
            return json_answer(400, {"error": "invalid_request", "error_description": "Identity not found"})
        now = int(time.time())
        # IMDS sends its numbers as strings.
        return json_answer(200, {"access_token": IMDS_TOKEN, "expires_in": "86399", "expires_on": str(now + 86399),
                                 "resource": RESOURCE, "token_type": "Bearer"})

    def exchange(query, body):
        state.count("exchange")
        f = form_fields(body)
        if query.get("api-version") != ["2021-07-01"]:
            return refuse(400, "invalid_request", "api-version %r" % query.get("api-version"))
        if f.get("grant_type") != "access_token" or f.get("service") != args.registry:
            return refuse(400, "invalid_request", "grant_type/service %r %r" % (f.get("grant_type"), f.get("service")))
        if f.get("access_token") not in (ENTRA_TOKEN, IMDS_TOKEN):
            return refuse(401, "invalid_grant", "access token was not issued here")
        if "tenant" in f and f["tenant"] != args.tenant:
            return refuse(400, "invalid_request", "tenant %r" % f["tenant"])
        if state.mode == "exchange-error":
            return json_answer(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required, visit https://aka.ms/acr/authorization for more information."}]})
        if state.mode == "opaque-refresh":
            return json_answer(200, {"refresh_token": "opaque-refresh-token"})
        now = int(time.time())
        refresh = jwt.encode({"exp": now + args.refresh_lifetime, "iat": now, "aud": args.registry, "grant_type": "refresh_token"},
                             "loopback-signing-key-of-sufficient-length", algorithm="HS256")
        return json_answer(200, {"refresh_token": refresh})

    def route(handler, method, path, query, body):
        if method == "POST" and path.endswith("/oauth2/v2.0/token"):
            return token_endpoint(path, body)
        if method == "GET" and path == "/metadata/identity/oauth2/token":
            return imds(handler, query)
        if method == "POST" and path == "/oauth2/exchange":
            return exchange(query, body)
        return json_answer(404, {"error": "not_found"})

    serve(state, route)


if __name__ == "__main__":
    main()
