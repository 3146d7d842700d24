"""SeBS function wrapper for AWS Lambda, Python runtimes (Lambda handler setting: handler.handler).

See benchmarks/wrappers/aws/README.md for the contract.
"""
import base64
import importlib
import io
import json
import os
import sys
import tempfile
import time
import traceback
import uuid

PKG_ROOT = os.path.dirname(os.path.abspath(__file__))
# The deployed package is read-only on Lambda and hashed by the harness: never write .pyc files next to it.
sys.dont_write_bytecode = True
for _p in (os.path.join(PKG_ROOT, ".python_packages", "lib", "site-packages"), PKG_ROOT):
    if os.path.isdir(_p) and _p not in sys.path:
        sys.path.insert(0, _p)

_benchmark = None
_import_error = None


def _load():
    """Imports function.function once (a namespace package: function/ needs no __init__.py)."""
    global _benchmark, _import_error
    if _benchmark is None:
        try:
            _benchmark = importlib.import_module("function.function")
            _import_error = None
        except BaseException as exc:  # noqa: BLE001 - reported in the response body
            _import_error = exc
            raise
    return _benchmark


# Import during the init phase (Lambda's Init Duration), never inside the timed section. A failure is reported by
# the first invocation instead of breaking the sandbox.
try:
    _load()
except BaseException:  # noqa: BLE001
    pass


def _timestamp(ns):
    return "%d.%06d" % (ns // 1_000_000_000, (ns // 1_000) % 1_000_000)


def _error(exc):
    return {"type": type(exc).__name__, "message": str(exc),
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}


def _container():
    """(is_cold, container_id) from the sandbox's marker file in its temp directory."""
    marker = os.path.join(tempfile.gettempdir(), "cold_run")
    try:
        with open(marker) as f:
            cid = f.read().strip()
        if cid:
            return False, cid
    except OSError:
        pass
    cid = uuid.uuid4().hex[:8]
    tmp = "%s.%s" % (marker, cid)
    with open(tmp, "w") as f:
        f.write(cid)
    os.replace(tmp, marker)
    return True, cid


def _unwrap(event):
    """Function URL / API Gateway v2 events carry the SeBS payload as a JSON string in "body"."""
    if isinstance(event, dict) and "body" in event:
        body = event.get("body")
        if isinstance(body, (str, bytes)):
            if event.get("isBase64Encoded"):
                body = base64.b64decode(body)
            if isinstance(body, bytes):
                body = body.decode("utf-8")
            body = json.loads(body) if body.strip() else {}
        event = body if body is not None else {}
    if event is None:
        event = {}
    return event


def _upload_log(bucket, request_id, result, begin_ns, end_ns):
    """The optional "logs" feature: the result (with the benchmark time) goes to <bucket>/<request_id>.json."""
    from function import storage  # noqa: WPS433 - the shim lives in the benchmark's package
    payload = {"output": result.get("result") if isinstance(result, dict) else result,
               "time": (end_ns - begin_ns) / 1000.0}
    if isinstance(result, dict) and "measurement" in result:
        payload["measurement"] = result["measurement"]
    client = storage.storage.get_instance()
    t0 = time.perf_counter_ns()
    client.put_object(bucket, "%s.json" % request_id, json.dumps(payload).encode("utf-8"))
    return (time.perf_counter_ns() - t0) / 1000.0


def handler(event, context):
    income = time.time()
    request_id = context.aws_request_id
    is_cold, container_id = _container()
    out = {"begin": None, "end": None, "results_time": 0, "is_cold": is_cold, "result": None,
           "request_id": request_id,
           "cold_start_var": os.environ.get("ForceColdStart") or os.environ.get("cold_start") or "",
           "container_id": container_id, "compute_time": 0}
    status = 200
    try:
        event = _unwrap(event)
        if isinstance(event, dict):
            # A request id the caller chose wins: experiments name their own files after it (020/030).
            event.setdefault("request-id", request_id)
            event["income-timestamp"] = income
        benchmark = _load()  # outside begin/end
    except BaseException as exc:  # noqa: BLE001
        now = _timestamp(time.time_ns())
        out.update(begin=now, end=now, error=_error(exc))
        return _response(500, out)

    begin_ns = time.time_ns()
    t0 = time.perf_counter_ns()
    try:
        result = benchmark.handler(event)
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

    logs = event.get("logs") if isinstance(event, dict) else None
    if status == 200 and isinstance(logs, dict) and logs.get("bucket"):
        try:
            out["results_time"] = _upload_log(logs["bucket"], request_id, result, begin_ns, end_ns)
        except BaseException as exc:  # noqa: BLE001
            out["error"] = _error(exc)
            status = 500
    return _response(status, out)


def _response(status, out):
    try:
        body = json.dumps(out)
    except (TypeError, ValueError):
        body = json.dumps(out, default=str)
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": body}
