"""Sandbox worker of the fake AWS Lambda, Python runtimes.

Started by fake_aws.py with cwd = the unzipped code, env = the function's environment. Protocol:
  * stdin: one JSON command a line: {"event": ..., "request_id": ..., "deadline_ms": ..., "context": {...}}
  * the fd named by _FAKE_AWS_RESULT_FD: one JSON line per message:
      {"type": "ready", "error"?: {...}} after the handler module is imported (the init phase),
      {"type": "result", "ok": bool, "value"?: ..., "error"?: {errorMessage, errorType, stackTrace}, "maxrss_kb": int}
  * stdout/stderr are the function's log; after each invocation a marker line "\x1eFAKEAWS-END <id>" goes to both.
"""
import importlib
import json
import os
import resource
import sys
import time
import traceback

MARKER = "\x1eFAKEAWS-END"


def _error(exc, error_type=None):
    return {"errorMessage": str(exc), "errorType": error_type or type(exc).__name__,
            "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__))}


class Context:
    def __init__(self, cmd):
        ctx = cmd.get("context", {})
        self.aws_request_id = cmd["request_id"]
        self.function_name = ctx.get("function_name")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = str(ctx.get("memory_limit_in_mb"))
        self.invoked_function_arn = ctx.get("invoked_function_arn")
        self.log_group_name = ctx.get("log_group_name")
        self.log_stream_name = ctx.get("log_stream_name")
        self.identity = None
        self.client_context = None
        self._deadline_ms = cmd["deadline_ms"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def main():
    out = os.fdopen(int(os.environ.pop("_FAKE_AWS_RESULT_FD")), "w", buffering=1)
    handler_setting = os.environ.get("_HANDLER", "handler.handler")
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, task_root)

    def send(msg):
        out.write(json.dumps(msg) + "\n")
        out.flush()

    handler = None
    module_name, _, func_name = handler_setting.rpartition(".")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
        handler = getattr(module, func_name, None)
        if handler is None:
            raise AttributeError("Handler '%s' missing on module '%s'" % (func_name, module_name))
        send({"type": "ready"})
    except AttributeError as exc:
        send({"type": "ready", "error": _error(exc, "Runtime.HandlerNotFound")})
    except BaseException as exc:  # noqa: BLE001 - any import failure is the function's init error
        err = _error(exc, "Runtime.ImportModuleError")
        err["errorMessage"] = "Unable to import module '%s': %s" % (module_name, exc)
        send({"type": "ready", "error": err})
    sys.stdout.flush()
    sys.stderr.flush()

    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        msg = {"type": "result"}
        try:
            value = handler(cmd["event"], Context(cmd))
            try:
                msg["value"] = json.loads(json.dumps(value))
                msg["ok"] = True
            except (TypeError, ValueError) as exc:
                msg["ok"] = False
                msg["error"] = {"errorMessage": "Unable to marshal response: %s" % exc,
                                "errorType": "Runtime.MarshalError", "stackTrace": []}
        except BaseException as exc:  # noqa: BLE001
            msg["ok"] = False
            msg["error"] = _error(exc)
            # The runtime logs unhandled errors, as Lambda's Python runtime does.
            sys.stderr.write("[ERROR] %s: %s\n" % (type(exc).__name__, exc))
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout.write("%s %s\n" % (MARKER, cmd["request_id"]))
        sys.stdout.flush()
        sys.stderr.write("%s %s\n" % (MARKER, cmd["request_id"]))
        sys.stderr.flush()
        msg["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        send(msg)


if __name__ == "__main__":
    main()
