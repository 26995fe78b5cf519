#!/usr/bin/env python3
"""A loopback stand-in for the AWS credential endpoints a pod reaches without a key (tests).

usage: aws-metadata-server.py --key ID --secret S --token T [--container-token TOKEN]
                              [--expiration ISO8601] [--sts-error CODE] [--imds-v1]

Prints "PORT n" and serves on 127.0.0.1 until stdin closes:
  PUT /latest/api/token                IMDSv2 session token; needs X-aws-ec2-metadata-token-ttl-seconds
                                       (1-21600), else 400 (--imds-v1: 403, as old metadata services)
  GET /latest/meta-data/iam/security-credentials/        the role name   } need the session token
  GET /latest/meta-data/iam/security-credentials/<role>  its credentials } (401 without)
  GET /v1/credentials                  EKS Pod Identity: needs "Authorization: <container token>"
  POST / (X-Amz-Target SpencerFrontendService.GetAuthorizationToken)
                                       ECR Public: checks the SigV4 signature (service ecr-public,
                                       us-east-1) for --key/--secret/--token with botocore's signer
                                       and answers a token for AWS:public-token, 12 hours
  POST / (anything else)               STS failing with --sts-error CODE (XML, HTTP 400)
  GET /_imagebot/calls                 {"PUT /latest/api/token": 1, ...} (rejected calls included)
Standard library only, but for botocore (installed with moto) in the ECR Public check.
"""
import argparse
import base64
import datetime
import json
import secrets
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE = "imagebot-node"
ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--container-token")
    parser.add_argument("--expiration")
    parser.add_argument("--sts-error")
    parser.add_argument("--imds-v1", action="store_true")
    args = parser.parse_args()
    expiration = args.expiration or (datetime.datetime.now(datetime.timezone.utc)
                                     + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sessions = set()
    calls = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def reply(self, status, body, content_type="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def count(self):
            path = self.path if not self.path.startswith(ROLE_PATH) or self.path == ROLE_PATH else ROLE_PATH + "<role>"
            with lock:
                calls[f"{self.command} {path}"] += 1

        def credentials(self):
            return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": args.key,
                               "SecretAccessKey": args.secret, "Token": args.token, "Expiration": expiration})

        def do_PUT(self):
            self.count()
            if self.path != "/latest/api/token":
                return self.reply(404, "{}")
            if args.imds_v1:
                return self.reply(403, "")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self.reply(400, "", "text/plain")
            session = secrets.token_urlsafe(24)
            with lock:
                sessions.add(session)
            self.reply(200, session, "text/plain")

        def do_GET(self):
            if self.path == "/_imagebot/calls":
                with lock:
                    return self.reply(200, json.dumps(dict(calls)))
            self.count()
            if self.path.startswith(ROLE_PATH):
                with lock:
                    allowed = args.imds_v1 or self.headers.get("X-aws-ec2-metadata-token") in sessions
                if not allowed:
                    return self.reply(401, "", "text/plain")
                if self.path == ROLE_PATH:
                    return self.reply(200, ROLE, "text/plain")
                if self.path == ROLE_PATH + ROLE:
                    return self.reply(200, self.credentials())
                return self.reply(404, "", "text/plain")
            if self.path == "/v1/credentials" and args.container_token:
                if self.headers.get("Authorization") != args.container_token:
                    return self.reply(401, json.dumps({"code": "AccessDeniedException",
                                                       "message": "invalid authorization token"}))
                return self.reply(200, self.credentials())
            self.reply(404, "{}")

        def ecr_public(self, body):
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials

            def deny(code, message):
                self.reply(403, json.dumps({"__type": code, "message": message}), "application/x-amz-json-1.1")

            authorization = self.headers.get("Authorization", "")
            fields = dict(part.strip().split("=", 1) for part in authorization.split(" ", 1)[-1].split(",") if "=" in part)
            scope = fields.get("Credential", "").split("/")
            if len(scope) != 5 or scope[0] != args.key or scope[2:] != ["us-east-1", "ecr-public", "aws4_request"]:
                return deny("UnrecognizedClientException", "The security token included in the request is invalid.")
            if self.headers.get("X-Amz-Security-Token") != args.token:
                return deny("UnrecognizedClientException", "The security token included in the request is invalid.")
            signed = fields.get("SignedHeaders", "").split(";")
            request = AWSRequest(method="POST", url=f"http://{self.headers['Host']}{self.path}", data=body,
                                 headers={name: self.headers[name] for name in signed if name in self.headers})
            request.context["timestamp"] = self.headers.get("X-Amz-Date", "")
            signer = SigV4Auth(Credentials(args.key, args.secret, args.token), "ecr-public", "us-east-1")
            expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
            if fields.get("Signature") != expected:
                return deny("InvalidSignatureException",
                            "The request signature we calculated does not match the signature you provided.")
            token = base64.b64encode(b"AWS:public-token").decode()
            expires = datetime.datetime.now(datetime.timezone.utc).timestamp() + 12 * 3600
            self.reply(200, json.dumps({"authorizationData": {"authorizationToken": token, "expiresAt": expires}}),
                       "application/x-amz-json-1.1")

        def do_POST(self):
            self.count()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("X-Amz-Target") == "SpencerFrontendService.GetAuthorizationToken":
                return self.ecr_public(body)
            code = args.sts_error or "InvalidAction"
            self.reply(400, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                       f"<Type>Sender</Type><Code>{code}</Code><Message>Couldn&apos;t retrieve verification "
                       "key from your identity provider</Message></Error><RequestId>1</RequestId></ErrorResponse>",
                       "text/xml")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
