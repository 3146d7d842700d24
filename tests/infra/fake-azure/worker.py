"""Instance worker of the fake Azure Functions host, Python (v1 programming model: handler/function.json + scriptFile).

Started by fake_azure.py with cwd = the deployed app root, env = the app's settings. It loads the function the way the
Python worker does: the app root and .python_packages/lib/site-packages on sys.path, the function folder imported as a
package, function.json's scriptFile (default __init__.py) and entryPoint (default main). Protocol on the fd named by
_FAKE_AZURE_RESULT_FD: {"type": "ready", "error"?} once, then per stdin command {"invocation_id", "method", "url",
"headers", "params", "body_b64"} one {"type": "result", "status", "headers", "body_b64", "function_ms", "error"?}.
The function's own stdout goes to stderr, so prints cannot break the protocol.
"""
import asyncio
import base64
import importlib
import inspect
import json
import os
import sys
import time
import traceback


def main():
    out = os.fdopen(int(os.environ.pop("_FAKE_AZURE_RESULT_FD")), "w", buffering=1)
    shim = os.environ.pop("_FAKE_AZURE_PYSHIM")
    function_name = os.environ.pop("_FAKE_AZURE_FUNCTION", "handler")
    root = os.getcwd()
    sys.dont_write_bytecode = True
    for p in (shim, os.path.join(root, ".python_packages", "lib", "site-packages"), root):
        sys.path.insert(0, p)
    sys.stdout = sys.stderr

    def send(msg):
        out.write(json.dumps(msg) + "\n")
        out.flush()

    import azure.functions as func  # the shim above, or the real package if installed
    entry = None
    try:
        with open(os.path.join(root, function_name, "function.json")) as f:
            spec = json.load(f)
        script = spec.get("scriptFile", "__init__.py")
        module_name = function_name if script == "__init__.py" else "%s.%s" % (function_name, os.path.splitext(script)[0])
        module = importlib.import_module(module_name)
        entry = getattr(module, spec.get("entryPoint", "main"))
        send({"type": "ready"})
    except BaseException as exc:  # noqa: BLE001 - reported on every invocation, as the host does
        send({"type": "ready", "error": "%s: %s" % (type(exc).__name__, exc), "traceback": traceback.format_exc()})

    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        req = func.HttpRequest(cmd["method"], cmd["url"], cmd.get("headers"), cmd.get("params"), body=base64.b64decode(cmd.get("body_b64", "")))
        ctx = func.Context(cmd["invocation_id"], function_name, os.path.join(root, function_name))
        msg = {"type": "result"}
        t0 = time.perf_counter()
        try:
            value = entry(req, ctx) if "context" in inspect.signature(entry).parameters else entry(req)
            if inspect.iscoroutine(value):
                value = asyncio.run(value)
            if isinstance(value, func.HttpResponse):
                msg.update(status=value.status_code, headers=value.headers, body_b64=base64.b64encode(value.get_body()).decode())
            elif isinstance(value, (str, bytes)):
                body = value.encode() if isinstance(value, str) else value
                msg.update(status=200, headers={"Content-Type": "text/plain; charset=utf-8"}, body_b64=base64.b64encode(body).decode())
            else:
                msg.update(error="TypeError: the function returned %s, not an HttpResponse" % type(value).__name__)
        except BaseException as exc:  # noqa: BLE001
            msg["error"] = "%s: %s" % (type(exc).__name__, exc)
            sys.stderr.write("Executed 'Functions.%s' (Failed, Id=%s)\n%s" % (function_name, cmd["invocation_id"], traceback.format_exc()))
        msg["function_ms"] = (time.perf_counter() - t0) * 1000.0
        sys.stderr.flush()
        send(msg)


if __name__ == "__main__":
    main()
