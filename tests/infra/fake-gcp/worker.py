"""Instance worker of the fake Cloud Run functions, Python runtimes: the Functions Framework's HTTP contract.

Started by fake_gcp.py with cwd = the built source, env = the revision's. Loads main.py and its FUNCTION_TARGET once
(the instance's start-up), then serves one request at a time. The function gets a Flask-like request (method, path,
args, headers, data, get_data(), get_json(force, silent), json, is_json) and may return what Flask's make_response
takes: a str/bytes body, a dict/list (JSON), a (body, status), (body, headers) or (body, status, headers) tuple.
An exception is a 500 "Internal Server Error" with the traceback on stderr, as the Functions Framework does.
Protocol: stdin one JSON request a line {method, path, query, headers, body (base64)}; on the fd _FAKE_GCP_RESULT_FD
{"type": "ready", "error"?} once, then {"status", "headers", "body" (base64)} per request.
"""
import base64
import importlib.util
import json
import os
import sys
import traceback
from urllib.parse import parse_qs

sys.dont_write_bytecode = True


class Headers(dict):
    """Case-insensitive headers, as werkzeug's."""

    def __init__(self, items):
        super().__init__()
        self._lower = {}
        for k, v in items.items():
            self[k] = v
            self._lower[k.lower()] = v

    def get(self, key, default=None):
        return self._lower.get(key.lower(), default)

    def __getitem__(self, key):
        return self._lower[key.lower()]

    def __contains__(self, key):
        return key.lower() in self._lower


class BadRequest(Exception):
    code = 400


class UnsupportedMediaType(Exception):
    code = 415


class Request:
    def __init__(self, msg):
        self.method = msg["method"]
        self.path = msg["path"]
        self.query_string = msg.get("query", "").encode()
        self.args = {k: v[0] for k, v in parse_qs(msg.get("query", "")).items()}
        self.headers = Headers(msg["headers"])
        self.data = base64.b64decode(msg["body"])
        self.content_type = self.headers.get("Content-Type", "")
        self.mimetype = self.content_type.split(";")[0].strip().lower()

    @property
    def is_json(self):
        return self.mimetype == "application/json" or (self.mimetype.startswith("application/") and self.mimetype.endswith("+json"))

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            if silent:
                return None
            raise UnsupportedMediaType("Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
        try:
            return json.loads(self.data or b"null")
        except ValueError:
            if silent:
                return None
            raise BadRequest("Failed to decode JSON object")

    @property
    def json(self):
        return self.get_json()


def make_response(value):
    status, headers = 200, {}
    if isinstance(value, tuple):
        if len(value) == 3:
            value, status, headers = value
        elif len(value) == 2:
            value, second = value
            if isinstance(second, (dict, list)):
                headers = second
            else:
                status = second
    headers = dict(headers or {})
    if isinstance(value, (dict, list)):
        body = json.dumps(value).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(value, bytes):
        body = value
    elif value is None:
        raise TypeError("The view function did not return a valid response.")
    else:
        body = str(value).encode()
    # Headers Flask would not know (SeBS's "ContentType") are passed on as they are; the default type is text/html.
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "text/html; charset=utf-8"
    return {"status": int(status), "headers": {str(k): str(v) for k, v in headers.items()}, "body": base64.b64encode(body).decode()}


def main():
    out = os.fdopen(int(os.environ.pop("_FAKE_GCP_RESULT_FD")), "w", buffering=1)

    def send(msg):
        out.write(json.dumps(msg) + "\n")
        out.flush()

    target = os.environ.get("FUNCTION_TARGET", "")
    sys.path.insert(0, os.getcwd())
    function = None
    try:
        spec = importlib.util.spec_from_file_location("main", os.path.join(os.getcwd(), "main.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["main"] = module
        spec.loader.exec_module(module)
        function = getattr(module, target, None)
        if function is None:
            raise AttributeError("File main.py is expected to contain a function named '%s'" % target)
        send({"type": "ready"})
    except BaseException as exc:  # noqa: BLE001 - the instance failed to start
        traceback.print_exc()
        send({"type": "ready", "error": str(exc)})
    sys.stdout.flush()
    sys.stderr.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        try:
            reply = make_response(function(Request(msg)))
        except (BadRequest, UnsupportedMediaType) as exc:
            reply = {"status": exc.code, "headers": {"Content-Type": "text/html; charset=utf-8"},
                     "body": base64.b64encode(str(exc).encode()).decode()}
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            reply = {"status": 500, "headers": {"Content-Type": "text/html; charset=utf-8"},
                     "body": base64.b64encode(b"Internal Server Error").decode()}
        sys.stdout.flush()
        sys.stderr.flush()
        send(reply)


if __name__ == "__main__":
    main()
