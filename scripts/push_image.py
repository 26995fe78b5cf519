#!/usr/bin/env python3
"""Push tiny OCI images to a registry over its plain HTTP API (tests and the demo).

usage: push_image.py REGISTRY REPOSITORY TAG [TAG...]   e.g. 127.0.0.1:5000 acme/app 1.0.0 1.1.0
Waits up to 10 s for the registry to answer /v2/, then uploads one config blob per tag and an
OCI manifest referencing it; prints "TAG sha256:DIGEST" per tag. Standard library only.
"""
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request


def request(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, response.headers


def wait_for(registry):
    deadline = time.time() + 10
    while True:
        try:
            request("GET", f"http://{registry}/v2/")
            return
        except urllib.error.HTTPError as error:
            if error.code == 401:
                return
        except OSError:
            pass
        if time.time() > deadline:
            sys.exit(f"push_image: {registry} did not answer /v2/ within 10 s")
        time.sleep(0.05)


def push(registry, repository, tag):
    config = json.dumps({"architecture": "amd64", "os": "linux", "tag": tag}).encode()
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    _, headers = request("POST", f"http://{registry}/v2/{repository}/blobs/uploads/", body=b"")
    location = headers["Location"]
    if not location.startswith("http"):
        location = f"http://{registry}{location}"
    separator = "&" if "?" in location else "?"
    request("PUT", f"{location}{separator}digest={config_digest}", body=config,
            headers={"Content-Type": "application/octet-stream"})
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config)},
        "layers": [],
    }).encode()
    request("PUT", f"http://{registry}/v2/{repository}/manifests/{tag}", body=manifest,
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    return "sha256:" + hashlib.sha256(manifest).hexdigest()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    registry, repository, tags = sys.argv[1], sys.argv[2], sys.argv[3:]
    wait_for(registry)
    for tag in tags:
        print(tag, push(registry, repository, tag))


if __name__ == "__main__":
    main()
