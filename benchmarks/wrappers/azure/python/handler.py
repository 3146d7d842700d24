"""SeBS function wrapper for Azure Functions, Python (v1 programming model: handler/function.json, scriptFile handler.py,
entryPoint main, an anonymous HTTP trigger). See benchmarks/wrappers/azure/README.md for the contract.
"""
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
import uuid

import azure.functions as func

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = __name__.rpartition(".")[0]          # the function folder's package ("handler", or "__app__.handler" on Azure)
sys.dont_write_bytecode = True

_benchmark = None
_cold_worker = True


def _load():
    """Imports <function folder>/function/function.py once, outside the timed section."""
    global _benchmark
    if _benchmark is None:
        _benchmark = importlib.import_module(PACKAGE + ".function.function" if PACKAGE else "function.function")
    return _benchmark


try:
    _load()
except BaseException:  # noqa: BLE001 - the first invocation reports it
    pass


def _timestamp(ns):
    return "%d.%06d" % (ns // 1_000_000_000, (ns // 1_000) % 1_000_000)


def _error(exc):
    return {"type": type(exc).__name__, "message": str(exc),
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}


def _container():
    """(is_cold, container_id) from the marker cold_run in the instance's temp directory (/tmp on Azure)."""
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


def _upload_log(bucket, request_id, result, begin_ns, end_ns):
    storage = importlib.import_module(PACKAGE + ".function.storage" if PACKAGE else "function.storage")
    payload = {"output": result.get("result") if isinstance(result, dict) else result, "time": (end_ns - begin_ns) / 1000.0}
    if isinstance(result, dict) and "measurement" in result:
        payload["measurement"] = result["measurement"]
    t0 = time.perf_counter_ns()
    storage.storage.get_instance().put_object(bucket, "%s.json" % request_id, json.dumps(payload).encode("utf-8"))
    return (time.perf_counter_ns() - t0) / 1000.0


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    global _cold_worker
    income = time.time()
    request_id = context.invocation_id
    is_cold, container_id = _container()
    is_cold_worker, _cold_worker = _cold_worker, False
    out = {"begin": None, "end": None, "results_time": 0, "is_cold": is_cold, "is_cold_worker": is_cold_worker, "result": None,
           "request_id": request_id, "cold_start_var": os.environ.get("ForceColdStart", ""),
           "container_id": container_id, "environ_container_id": os.environ.get("CONTAINER_NAME", ""), "compute_time": 0}
    try:
        body = req.get_body()
        event = json.loads(body) if body and body.strip() else {}
        if isinstance(event, dict):
            # A request id the caller chose wins: experiments name their own files after it (020/030).
            event.setdefault("request-id", request_id)
            event["income-timestamp"] = income
        benchmark = _load()
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
    return func.HttpResponse(body, status_code=status, mimetype="application/json")
