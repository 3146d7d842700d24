"""SeBS function wrapper for Google Cloud Run functions, Python runtimes (deployed as main.py, entry point "handler").

See benchmarks/wrappers/gcp/README.md for the contract.
"""
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
import uuid

PKG_ROOT = os.path.dirname(os.path.abspath(__file__))
# The deployed source is read-only and hashed by the harness: never write .pyc files next to it.
sys.dont_write_bytecode = True
for _p in (os.path.join(PKG_ROOT, ".python_packages", "lib", "site-packages"), PKG_ROOT):
    if os.path.isdir(_p) and _p not in sys.path:
        sys.path.insert(0, _p)

_benchmark = None


def _load():
    """Imports function.function once (a namespace package: function/ needs no __init__.py)."""
    global _benchmark
    if _benchmark is None:
        _benchmark = importlib.import_module("function.function")
    return _benchmark


# Import while the instance starts, never inside the timed section; a failure is reported by the first request.
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
    """(is_cold, container_id) from the instance's marker file (/tmp is per instance on Cloud Run)."""
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


def _request_id(req):
    """The trace id: X-Cloud-Trace-Context is TRACE_ID/SPAN_ID;o=1, and the request log's trace names TRACE_ID."""
    value = req.headers.get("X-Cloud-Trace-Context") or req.headers.get("Function-Execution-Id") or uuid.uuid4().hex
    return value.split("/")[0]


def _upload_log(bucket, request_id, result, begin_ns, end_ns):
    """SeBS's optional "logs" feature: the result and the benchmark time go to <bucket>/<request_id>.json."""
    from function import storage  # noqa: WPS433
    payload = {"output": result.get("result") if isinstance(result, dict) else result, "time": (end_ns - begin_ns) / 1000.0}
    if isinstance(result, dict) and "measurement" in result:
        payload["measurement"] = result["measurement"]
    t0 = time.perf_counter_ns()
    storage.storage.get_instance().put_object(bucket, "%s.json" % request_id, json.dumps(payload).encode("utf-8"))
    return (time.perf_counter_ns() - t0) / 1000.0


def handler(req):
    income = time.time()
    request_id = _request_id(req)
    is_cold, container_id = _container()
    out = {"begin": None, "end": None, "results_time": 0, "is_cold": is_cold, "result": None, "request_id": request_id,
           "cold_start_var": os.environ.get("cold_start", ""), "container_id": container_id, "compute_time": 0}
    try:
        event = req.get_json(force=True, silent=True)
        if event is None:
            event = {}
        if isinstance(event, dict):
            # A request id the caller chose wins: experiments name their own files after it (020/030).
            event.setdefault("request-id", request_id)
            event["income-timestamp"] = income
        benchmark = _load()  # outside begin/end
    except BaseException as exc:  # noqa: BLE001
        now = _timestamp(time.time_ns())
        out.update(begin=now, end=now, error=_error(exc))
        return _response(500, out)

    status = 200
    begin_ns = time.time_ns()
    t0 = time.perf_counter_ns()
    try:
        result = benchmark.handler(event)
    except BaseException as exc:  # noqa: BLE001
        result = None
        out["error"] = _error(exc)
        status = 500
    t1 = time.perf_counter_ns()
    end_ns = time.time_ns()
    out.update(begin=_timestamp(begin_ns), end=_timestamp(end_ns), compute_time=(t1 - t0) / 1000.0, result=result)

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
    return body, status, {"Content-Type": "application/json"}
