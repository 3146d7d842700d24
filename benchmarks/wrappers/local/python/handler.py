"""SeBS local function server (Python, standard library only).

Serves one code package: GET /alive, POST / with a JSON event. See benchmarks/wrappers/README.md.
Env: SEBS_PORT (required), SEBS_HOST (default 127.0.0.1), SEBS_CONTAINER_ID (default: 8 random hex chars),
SEBS_DEBUG (log every request to stderr).
"""
import importlib
import json
import os
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PKG_ROOT = os.path.dirname(os.path.abspath(__file__))
# The package directory may be read-only, and must not change between runs (it is hashed): no .pyc files.
sys.dont_write_bytecode = True
for _p in (os.path.join(PKG_ROOT, ".python_packages", "lib", "site-packages"), PKG_ROOT):
    if os.path.isdir(_p) and _p not in sys.path:
        sys.path.insert(0, _p)

DEBUG = bool(os.environ.get("SEBS_DEBUG"))
CONTAINER_ID = os.environ.get("SEBS_CONTAINER_ID") or uuid.uuid4().hex[:8]


def _timestamp(ns):
    return "%d.%06d" % (ns // 1_000_000_000, (ns // 1_000) % 1_000_000)


class _Function:
    """The benchmark module, imported once on first use; calls are serialized (one sandbox = one invocation)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.handler = None
        self.cold = True

    def _load(self):
        if self.handler is None:
            # `function/` is a namespace package (no __init__.py needed), so `from . import storage` works.
            module = importlib.import_module("function.function")
            self.handler = module.handler
        return self.handler

    def invoke(self, event):
        with self.lock:
            is_cold = self.cold
            self.cold = False
            out = {"begin": None, "end": None, "is_cold": is_cold, "container_id": CONTAINER_ID,
                   "request_id": str(uuid.uuid4()), "result": None, "compute_time": 0}
            try:
                handler = self._load()  # outside begin/end: import time is not benchmark time
            except BaseException as exc:  # noqa: BLE001 - report any import failure to the caller
                now = _timestamp(time.time_ns())
                out.update(begin=now, end=now, error=_error(exc))
                return 500, out
            status = 200
            begin_ns = time.time_ns()
            t0 = time.perf_counter_ns()
            try:
                result = handler(event)
            except BaseException as exc:  # noqa: BLE001
                t1 = time.perf_counter_ns()
                end_ns = time.time_ns()
                result = None
                out["error"] = _error(exc)
                status = 500
            else:
                t1 = time.perf_counter_ns()
                end_ns = time.time_ns()
            out["begin"] = _timestamp(begin_ns)
            out["end"] = _timestamp(end_ns)
            out["compute_time"] = (t1 - t0) / 1000.0
            out["result"] = result
            return status, out


def _error(exc):
    return {"type": type(exc).__name__, "message": str(exc),
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}


FUNCTION = _Function()
_ALIVE = json.dumps({"status": "ok"}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_version = "SebsFunction/1"
    sys_version = ""

    def setup(self):
        super().setup()
        # Responses go out in one write; without NODELAY a keep-alive client can stall on delayed ACKs.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # no per-request logging unless asked
        if DEBUG:
            sys.stderr.write("[sebs-function] %s - %s\n" % (self.address_string(), fmt % args))

    def _send(self, status, body):
        if not isinstance(body, bytes):
            body = json.dumps(body, default=str).encode()
        reason = self.responses.get(status, ("",))[0]
        head = ("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                % (status, reason, len(body)))
        if self.close_connection:
            head += "Connection: close\r\n"
        self.wfile.write(head.encode("latin-1") + b"\r\n" + body)
        self.log_request(status, len(body))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _path(self):
        return self.path.split("?", 1)[0]

    def do_GET(self):
        if self._path() == "/alive":
            self._send(200, _ALIVE)
        else:
            self._send(404, {"error": {"type": "NotFound", "message": "GET %s: use GET /alive or POST /" % self._path()}})

    def do_POST(self):
        body = self._read_body()
        path = self._path()
        if path == "/alive":
            self._send(200, _ALIVE)
            return
        if path != "/":
            self._send(404, {"error": {"type": "NotFound", "message": "POST %s: use POST /" % path}})
            return
        try:
            event = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            self._send(400, {"container_id": CONTAINER_ID,
                             "error": {"type": "BadRequest", "message": "the body is not valid JSON: %s" % exc}})
            return
        status, out = FUNCTION.invoke(event)
        try:
            payload = json.dumps(out).encode()
        except (TypeError, ValueError):
            payload = json.dumps(out, default=str).encode()
        self._send(status, payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client that went away mid-response is not a server error; anything else is reported.
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError)) and not DEBUG:
            return
        super().handle_error(request, client_address)


def main():
    port = os.environ.get("SEBS_PORT")
    if not port:
        sys.stderr.write("SEBS_PORT is required\n")
        return 2
    host = os.environ.get("SEBS_HOST") or "127.0.0.1"
    server = _Server((host, int(port)), _Handler)
    sys.stderr.write("[sebs-function] python %s serving %s on %s:%s (container %s)\n"
                     % (sys.version.split()[0], PKG_ROOT, host, server.server_address[1], CONTAINER_ID))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
