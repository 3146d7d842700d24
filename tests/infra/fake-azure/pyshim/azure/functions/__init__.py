"""The small part of the azure-functions library (azure.functions) that HTTP-triggered v1-model functions use.

The real package comes with the Azure Functions Python worker; PyPI is not reachable here, so the fake's worker puts
this stand-in on sys.path. Same names and behaviour for: HttpRequest (method, url, headers, params, route_params,
get_body(), get_json()), HttpResponse(body, status_code, headers, mimetype, charset) and Context (invocation_id,
function_name, function_directory).
"""
import json as _json


class HttpRequest:
    def __init__(self, method, url, headers=None, params=None, route_params=None, body=b""):
        self.method = method.upper()
        self.url = url
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.params = dict(params or {})
        self.route_params = dict(route_params or {})
        self._body = body or b""

    def get_body(self):
        return self._body

    def get_json(self):
        # As azure.functions: ValueError when the body is not JSON.
        if not self._body:
            raise ValueError("HTTP request does not contain valid JSON data")
        try:
            return _json.loads(self._body.decode("utf-8"))
        except (UnicodeDecodeError, _json.JSONDecodeError) as exc:
            raise ValueError("HTTP request does not contain valid JSON data") from exc


class HttpResponse:
    def __init__(self, body=None, status_code=200, headers=None, mimetype="text/plain", charset="utf-8"):
        if isinstance(body, str):
            body = body.encode(charset)
        self._body = body or b""
        self.status_code = int(status_code)
        self.headers = dict(headers or {})
        self.mimetype = mimetype
        self.charset = charset
        self.headers.setdefault("Content-Type", "%s; charset=%s" % (mimetype, charset) if mimetype.startswith("text/") or mimetype == "application/json" else mimetype)

    def get_body(self):
        return self._body


class Context:
    def __init__(self, invocation_id, function_name, function_directory):
        self.invocation_id = invocation_id
        self.function_name = function_name
        self.function_directory = function_directory
