#!/usr/bin/env python3
"""moto in server mode for the AWS identity tests, with request authentication on.

usage: moto-aws.py            (needs: pip install 'moto[server]==5.2.1')

Listens on a random 127.0.0.1 port. While authentication is still off it creates an IAM
user with an access key and a role, both allowed ecr:GetAuthorizationToken, and assumes the
role once (temporary credentials for the metadata-server tests); then it turns signature
checking on and prints one line:

  READY port=N account=A key=ID secret=S role=ARN tempkey=ID tempsecret=S temptoken=T

and serves until stdin closes (the test stops it). Three changes make moto answer as AWS does:
  * AssumeRoleWithWebIdentity is an unsigned call (the web identity token is the proof); moto
    would demand a signature for it once authentication is on.
  * ECR's expiresAt is 12 hours ahead, not moto's fixed 2015-01-01.
  * GET /_imagebot/calls answers how many times each action was called, as JSON
    {"sts:AssumeRoleWithWebIdentity": 1, "ecr:GetAuthorizationToken": 1}, rejected calls included.
"""
import json
import sys
import threading
import time
from collections import Counter

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.ecr import responses as ecr_responses
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server
import boto3
import logging

logging.getLogger("werkzeug").setLevel(logging.ERROR)

calls = Counter()
calls_lock = threading.Lock()
UNSIGNED = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}

original_authenticate = ActionAuthenticatorMixin._authenticate_and_authorize_action


def authenticate(self, iam_request_cls, resource="*"):
    action = self._get_action()
    service = getattr(self, "service_name", None) or type(self).__name__
    with calls_lock:
        calls[f"{service}:{action}"] += 1
    if action in UNSIGNED:
        return
    return original_authenticate(self, iam_request_cls, resource)


ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate

original_token = ecr_responses.ECRResponse.get_authorization_token


def get_authorization_token(self):
    result = original_token(self)
    for data in result.result["authorizationData"]:
        data["expiresAt"] = time.time() + 12 * 3600
    return result


ecr_responses.ECRResponse.get_authorization_token = get_authorization_token


def with_calls(app):
    def serve(environ, start_response):
        if environ.get("PATH_INFO") == "/_imagebot/calls":
            with calls_lock:
                body = json.dumps(dict(calls)).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)
    return serve


def main():
    server = make_server("127.0.0.1", 0, with_calls(DomainDispatcherApplication(create_backend_app)), threaded=True)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{port}"
    setup = dict(endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **setup)
    allow_ecr = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr-public:GetAuthorizationToken",
                                      "sts:GetServiceBearerToken"], "Resource": "*"}]})
    iam.create_user(UserName="imagebot")
    iam.put_user_policy(UserName="imagebot", PolicyName="ecr", PolicyDocument=allow_ecr)
    key = iam.create_access_key(UserName="imagebot")["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example"},
        "Action": "sts:AssumeRoleWithWebIdentity"}]})
    role = iam.create_role(RoleName="imagebot", AssumeRolePolicyDocument=trust)["Role"]
    iam.put_role_policy(RoleName="imagebot", PolicyName="ecr", PolicyDocument=allow_ecr)
    sts = boto3.client("sts", **setup)
    temp = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="metadata-tests")["Credentials"]
    account = role["Arn"].split(":")[4]
    # From here on every call must be signed by a known key (the setup calls are not counted).
    with calls_lock:
        calls.clear()
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    print(f"READY port={port} account={account} key={key['AccessKeyId']} secret={key['SecretAccessKey']} "
          f"role={role['Arn']} tempkey={temp['AccessKeyId']} tempsecret={temp['SecretAccessKey']} "
          f"temptoken={temp['SessionToken']}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
