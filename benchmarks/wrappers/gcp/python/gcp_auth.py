"""Access tokens and the project for the GCS and Datastore shims, from the metadata server, standard library only.

The metadata server (what google-auth uses on Cloud Run) is http://metadata.google.internal, or $GCE_METADATA_HOST
(host:port) where set, as the Google client libraries honour it. Requests carry Metadata-Flavor: Google.
"""
import json
import os
import threading
import time
import urllib.error
import urllib.request

_lock = threading.Lock()
_token = {"value": None, "expires": 0.0}
_project = {"value": None}


def _metadata(path):
    host = os.environ.get("GCE_METADATA_HOST") or "metadata.google.internal"
    request = urllib.request.Request("http://%s/computeMetadata/v1/%s" % (host, path), headers={"Metadata-Flavor": "Google"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


def token():
    """A bearer token of the function's service account, refreshed a minute before it expires."""
    with _lock:
        if _token["value"] is None or time.time() > _token["expires"] - 60:
            answer = json.loads(_metadata("instance/service-accounts/default/token"))
            _token["value"] = answer["access_token"]
            _token["expires"] = time.time() + float(answer.get("expires_in", 300))
        return _token["value"]


def project():
    with _lock:
        if _project["value"] is None:
            _project["value"] = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCP_PROJECT") or _metadata("project/project-id").strip()
        return _project["value"]


def call(method, url, body=None, headers=None, raw=False):
    """One authorised request; JSON in and out unless raw. HTTP errors raise RuntimeError with Google's message."""
    data = body if raw or body is None else json.dumps(body).encode("utf-8")
    h = {"Authorization": "Bearer " + token()}
    if body is not None and not raw:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            content = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        try:
            err = json.loads(detail)["error"]
            detail = "%s: %s" % (err.get("status") or err.get("code"), err.get("message"))
        except (ValueError, KeyError, TypeError):
            pass
        raise RuntimeError("%s %s failed: HTTP %d: %s" % (method, url.split("?")[0], exc.code, detail)) from None
    if raw:
        return content
    return json.loads(content) if content else {}


def endpoint(variable, default):
    """An emulator host from the environment (as the client libraries read it), else the public endpoint."""
    value = os.environ.get(variable)
    if not value:
        return default
    return value.rstrip("/") if "://" in value else "http://" + value.rstrip("/")
