#!/usr/bin/env python3
"""A fake AWS control plane for tests: Lambda (with real function execution), Function URLs, CloudWatch Logs,
IAM and STS, on one HTTP endpoint at 127.0.0.1. Standard library only. See README.md next to this file.

Every request except Function URL calls (AuthType NONE) and /__fake/* must carry a valid Signature V4; the
service is taken from the credential scope. Prints "READY <port>" on stdout once it listens.
"""
import argparse
import base64
import datetime
import hashlib
import http.client
import io
import json
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sigv4  # noqa: E402

MARKER = "\x1eFAKEAWS-END"
MAX_REQUEST = 69905067          # CreateFunction / UpdateFunctionCode request limit (base64 of 50 MiB plus JSON)
MAX_ZIP = 50 * 1024 * 1024      # direct upload limit of the zip itself
MAX_PAYLOAD = 6 * 1024 * 1024   # synchronous invocation payload
LOG_PAGE = 50                   # FilterLogEvents page size (AWS's is larger; small here so paging is exercised)
TAIL_BYTES = 4096
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"

RUNTIMES = ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
            "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "python3.8", "nodejs16.x",
            "java11", "java17", "java21", "provided.al2", "provided.al2023"]
DEPRECATED = {"python2.7": "python3.12", "python3.6": "python3.12", "python3.7": "python3.12",
              "nodejs10.x": "nodejs20.x", "nodejs12.x": "nodejs20.x", "nodejs14.x": "nodejs20.x"}
# Lambda's "Deprecated runtimes" table: (block function create, block function update). After the first date
# CreateFunction refuses the runtime, after the second every update of such a function is refused as well.
BLOCKED = {"nodejs18.x": ("2026-02-03", "2026-03-09"), "nodejs20.x": ("2026-06-01", "2026-07-01"),
           "python3.8": ("2025-02-28", "2025-03-31"), "python3.9": ("2026-06-01", "2026-07-01"),
           "python3.10": ("2026-07-31", "2026-08-31"), "python3.11": ("2026-07-31", "2026-08-31"),
           "nodejs16.x": ("2025-02-28", "2025-03-31")}
# Partitions: the home region IAM signs for.
MANIFEST_TYPES = ", ".join(["application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.docker.distribution.manifest.list.v2+json",
                            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"])
IAM_REGION = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
RESERVED_ENV = {"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
                "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}
ROLE_ARN = re.compile(r"^arn:(aws[a-zA-Z-]*)?:iam::(\d{12}):role/?([a-zA-Z_0-9+=,.@\-_/]+)$")
FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
ENV_KEY = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_])+$")
STATEMENT_ID = re.compile(r"^[a-zA-Z0-9-_]{1,100}$")


def now_ms():
    return int(time.time() * 1000)


def iso_lambda(ts=None):
    d = datetime.datetime.fromtimestamp(ts if ts is not None else time.time(), datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (d.microsecond // 1000)


def iso_z(ts=None):
    d = datetime.datetime.fromtimestamp(ts if ts is not None else time.time(), datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


class ApiError(Exception):
    def __init__(self, status, code, message, sender=True, extra=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender
        self.extra = extra or {}   # further members of the error shape (TooManyRequestsException's Reason)


def validation(field, value, constraint):
    return ApiError(400, "ValidationException", "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                    "constraint: %s" % (value, field, constraint))


def invalid(message):
    return ApiError(400, "InvalidParameterValueException", message)


# ----------------------------------------------------------------------------------------------------------------
# CloudWatch Logs store
# ----------------------------------------------------------------------------------------------------------------
class LogStore:
    def __init__(self):
        self.lock = threading.Lock()
        self.groups = {}  # name -> {"created": ms, "events": [..], "streams": {name: created}}
        self.counter = 0

    def append(self, group, stream, messages):
        """messages: list of (timestamp_ms, text)."""
        with self.lock:
            g = self.groups.setdefault(group, {"created": now_ms(), "events": [], "streams": {}})
            g["streams"].setdefault(stream, now_ms())
            for ts, text in messages:
                self.counter += 1
                g["events"].append({"logStreamName": stream, "timestamp": ts, "message": text,
                                    "ingestionTime": max(ts, now_ms()), "eventId": "%056d" % self.counter})
            g["events"].sort(key=lambda e: (e["timestamp"], e["eventId"]))


def _filter_matcher(pattern):
    pattern = (pattern or "").strip()
    if not pattern:
        return lambda m: True
    if len(pattern) >= 2 and pattern[0] == '"' and pattern[-1] == '"':
        phrase = pattern[1:-1]
        return lambda m: phrase in m
    if pattern.startswith("{") or pattern.startswith("["):
        raise ApiError(400, "InvalidParameterException", "The fake supports only terms and quoted phrases as filterPattern")
    terms = re.findall(r'\??"[^"]*"|\S+', pattern)
    if all(t.startswith("?") for t in terms):
        # ?term ?"phrase": any of them (CloudWatch's OR for unstructured log events)
        alts = [t[1:] for t in terms]
        alts = [t[1:-1] if t.startswith('"') else t for t in alts]
        return lambda m: any(t in m for t in alts)
    terms = [t[1:-1] if t.startswith('"') else t for t in terms]
    return lambda m: all(t in m for t in terms)


# ----------------------------------------------------------------------------------------------------------------
# Sandboxes
# ----------------------------------------------------------------------------------------------------------------
class Sandbox:
    """One long-lived worker process = one Lambda execution environment."""

    def __init__(self, fake, fn, snap):
        self.fake = fake
        self.function_name = fn.name
        self.generation = snap["generation"]
        self.busy = False
        self.retired = False
        self.cold = True
        self.tmpdir = tempfile.mkdtemp(prefix="sandbox-", dir=fake.root)
        self.stream = "%s/[$LATEST]%s" % (time.strftime("%Y/%m/%d", time.gmtime()), uuid.uuid4().hex)
        self.lock = threading.Lock()
        self.sink = None
        self.stray = []
        self.markers = {"stdout": threading.Event(), "stderr": threading.Event()}
        self.messages = queue.Queue()
        env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "PYENV_ROOT", "PYENV_VERSION")
               if k in os.environ}
        env.update(snap["env"])
        env.update(fake.function_env)
        env.update({
            "AWS_LAMBDA_FUNCTION_NAME": fn.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(snap["memory"]),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": fn.log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": self.stream,
            "AWS_REGION": fake.region,
            "AWS_DEFAULT_REGION": fake.region,
            "AWS_EXECUTION_ENV": "AWS_Lambda_" + snap["runtime"],
            "LAMBDA_TASK_ROOT": snap["code_dir"],
            "_HANDLER": snap["handler"],
            "TMPDIR": self.tmpdir, "TMP": self.tmpdir, "TEMP": self.tmpdir,
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
        })
        if snap["runtime"].startswith("python"):
            cmd = [fake.python, os.path.join(HERE, "worker.py")]
        elif snap["runtime"].startswith("nodejs"):
            cmd = [fake.node, os.path.join(HERE, "worker.js")]
        else:
            raise ApiError(400, "InvalidRuntimeException", "The fake cannot run runtime %s" % snap["runtime"])
        r, w = os.pipe()
        env["_FAKE_AWS_RESULT_FD"] = str(w)
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=snap["code_dir"], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(w,),
                                     start_new_session=True)
        os.close(w)
        self.result_file = os.fdopen(r, "rb")
        threading.Thread(target=self._read_results, daemon=True).start()
        threading.Thread(target=self._read_output, args=("stdout", self.proc.stdout), daemon=True).start()
        threading.Thread(target=self._read_output, args=("stderr", self.proc.stderr), daemon=True).start()

    def _read_results(self):
        for line in self.result_file:
            try:
                self.messages.put(json.loads(line))
            except ValueError:
                pass
        self.messages.put({"type": "exit"})

    def _read_output(self, which, pipe):
        for raw in pipe:
            text = raw.decode("utf-8", "replace")
            if text.startswith(MARKER):
                self.markers[which].set()
                continue
            with self.lock:
                if self.sink is not None:
                    self.sink.append((now_ms(), text if text.endswith("\n") else text + "\n"))
                else:
                    self.stray.append((now_ms(), text))
        self.markers[which].set()

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        self.retired = True
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin,):
            try:
                f.close()
            except OSError:
                pass
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def invoke(self, fn_arn, snap, request_id, event):
        """Returns a dict: ok, value|error, duration_ms, init_ms|None, maxrss_mb, lines, timed_out."""
        out = {"init_ms": None, "timed_out": False, "lines": []}
        timeout = snap["timeout"]
        with self.lock:
            self.sink = []
            for e in self.markers.values():
                e.clear()
        if self.cold:
            self.cold = False
            try:
                msg = self.messages.get(timeout=max(10.0, timeout))
            except queue.Empty:
                msg = {"type": "ready", "error": {"errorType": "Runtime.InitTimeout",
                                                  "errorMessage": "Init phase did not finish"}}
            out["init_ms"] = (time.perf_counter() - self.t_spawn) * 1000.0
            if msg.get("type") != "ready" or msg.get("error"):
                err = msg.get("error") or {"errorType": "Runtime.ExitError",
                                           "errorMessage": "RequestId: %s Error: Runtime exited during init" % request_id}
                self.retired = True
                time.sleep(0.05)
                with self.lock:
                    out["lines"] = self.stray + self.sink
                    self.sink = None
                out.update(ok=False, error=err, duration_ms=0.0, maxrss_mb=0)
                return out
        with self.lock:
            # Output printed during init belongs to the first invocation's log.
            self.sink = self.stray + self.sink
            self.stray = []
        deadline_ms = time.time() * 1000 + timeout * 1000
        cmd = {"event": event, "request_id": request_id, "deadline_ms": deadline_ms,
               "context": {"function_name": self.function_name, "memory_limit_in_mb": snap["memory"],
                           "invoked_function_arn": fn_arn, "log_group_name": "/aws/lambda/" + self.function_name,
                           "log_stream_name": self.stream}}
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
            self.proc.stdin.flush()
            msg = self.messages.get(timeout=timeout)
        except (BrokenPipeError, OSError):
            msg = {"type": "exit"}
        except queue.Empty:
            msg = None
        duration = (time.perf_counter() - t0) * 1000.0
        out["duration_ms"] = duration
        if msg is None:
            out["timed_out"] = True
            self.kill()
            with self.lock:
                out["lines"] = self.sink + [(now_ms(), "%s %s Task timed out after %.2f seconds\n"
                                             % (iso_z().replace("Z", ".000Z"), request_id, timeout))]
                self.sink = None
            out.update(ok=False, maxrss_mb=0, error={
                "errorType": "Sandbox.Timedout",
                "errorMessage": "RequestId: %s Error: Task timed out after %.2f seconds" % (request_id, timeout)})
            return out
        if msg.get("type") == "exit":
            code = self.proc.wait(timeout=5) if self.proc.poll() is None else self.proc.returncode
            self.retired = True
            out.update(ok=False, maxrss_mb=0, error={
                "errorType": "Runtime.ExitError",
                "errorMessage": "RequestId: %s Error: Runtime exited with error: exit status %s" % (request_id, code)})
        else:
            out["ok"] = bool(msg.get("ok"))
            out["value"] = msg.get("value")
            if not out["ok"]:
                out["error"] = msg.get("error")
            out["maxrss_mb"] = int(math.ceil(msg.get("maxrss_kb", 0) / 1024.0))
        for e in self.markers.values():
            e.wait(timeout=2)
        with self.lock:
            out["lines"] = self.sink
            self.sink = None
        return out


# ----------------------------------------------------------------------------------------------------------------
# Functions
# ----------------------------------------------------------------------------------------------------------------
class Function:
    def __init__(self, fake, name):
        self.fake = fake
        self.name = name
        self.arn = "arn:%s:lambda:%s:%s:function:%s" % (fake.partition, fake.region, fake.account, name)
        self.url_permission_at = 0.0   # when the last AddPermission happened (propagation delay)
        self.image_uri = self.image_handler = self.image_runtime = None   # PackageType Image
        self.log_group = "/aws/lambda/" + name
        self.config = {}
        self.code_zip = b""
        self.code_dir = None
        self.active = None          # the snapshot invocations run with
        self.generation = 0
        self.sandboxes = []
        self.policy = []            # statements (dicts)
        self.url = None
        self.invocations = 0
        self.deleted = False

    def snapshot(self):
        c = self.config
        self.generation += 1
        return {"generation": self.generation, "code_dir": self.code_dir, "runtime": c.get("Runtime") or self.image_runtime,
                "handler": c.get("Handler") or self.image_handler, "timeout": c["Timeout"], "memory": c["MemorySize"],
                "env": dict(c.get("Environment", {}).get("Variables", {})),
                "log_format": c.get("LoggingConfig", {}).get("LogFormat", "Text")}

    def retire_sandboxes(self):
        doomed, self.sandboxes = self.sandboxes, []
        for sb in doomed:
            sb.retired = True
            if not sb.busy:
                threading.Thread(target=sb.kill, daemon=True).start()


class FakeAws:
    def __init__(self, args):
        self.args = args
        self.region = args.region
        self.account = args.account
        self.python = args.python
        self.node = args.node
        self.delay = args.state_delay
        self.partition = args.partition
        self.today = args.today or time.strftime("%Y-%m-%d", time.gmtime())
        self.concurrency_limit = args.concurrency_limit   # account concurrency; None = unlimited
        self.in_flight = 0                               # invocations running now, account-wide
        self.url_permission_delay = 0.0                  # seconds a new URL permission takes to propagate
        # Keys that belong to another account (--credentials AK:SECRET with --other-account AK=ACCOUNT)
        self.accounts = dict(kv.split("=", 1) for kv in (args.other_account or []))
        self.credentials = {args.access_key: (args.secret_key, None)}
        for extra in args.credentials or []:
            parts = extra.split(":", 2)
            self.credentials[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else None)
        self.function_env = {}
        for kv in args.function_env or []:
            k, _, v = kv.partition("=")
            self.function_env[k] = v
        self.root = tempfile.mkdtemp(prefix="sebs-fake-aws-")
        self.lock = threading.RLock()
        self.functions = {}
        self.apis = {}                 # API Gateway v2 HTTP APIs by id
        self.repositories = {}         # ECR repositories by name
        self.registry = args.registry
        self.roles = {}
        self.logs = LogStore()
        self.queries = {}
        self.port = None
        self.log_file = open(args.log, "a", buffering=1) if args.log else None
        for role in args.role or []:
            self._create_role(role, json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), "/")

    # -- helpers -------------------------------------------------------------------------------------------------
    def log(self, method, path, service, status):
        if self.log_file:
            self.log_file.write("%s %s %s %s %d\n" % (iso_z(), method, path, service or "-", status))

    def shutdown(self):
        with self.lock:
            for fn in self.functions.values():
                for sb in fn.sandboxes:
                    sb.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def function(self, name_or_arn, qualifier=None):
        name = unquote(name_or_arn)
        m = re.match(r"^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::(.+))?$", name)
        if m:
            name, qualifier = m.group(3), qualifier or m.group(4)
        fn = self.functions.get(name)
        arn = "arn:%s:lambda:%s:%s:function:%s" % (self.partition, self.region, self.account, name)
        if qualifier and qualifier != "$LATEST":
            raise ApiError(404, "ResourceNotFoundException", "Function not found: %s:%s" % (arn, qualifier))
        if fn is None:
            raise ApiError(404, "ResourceNotFoundException", "Function not found: %s" % arn)
        return fn

    def _unzip(self, data):
        if len(data) > MAX_ZIP:
            raise ApiError(413, "RequestEntityTooLargeException",
                           "Request must be smaller than %d bytes for the CreateFunction operation" % MAX_REQUEST)
        target = tempfile.mkdtemp(prefix="code-", dir=self.root)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    dest = os.path.realpath(os.path.join(target, info.filename))
                    if not dest.startswith(os.path.realpath(target) + os.sep) and dest != os.path.realpath(target):
                        raise zipfile.BadZipFile("entry outside the archive root")
                z.extractall(target)
        except (zipfile.BadZipFile, ValueError, OSError):
            shutil.rmtree(target, ignore_errors=True)
            raise invalid("Could not unzip uploaded file. Please check your file, then try to upload again.")
        return target

    def _code_bytes(self, body):
        if body.get("ImageUri"):
            raise invalid("The fake supports PackageType Zip only (ImageUri given)")
        if body.get("ZipFile"):
            try:
                return base64.b64decode(body["ZipFile"], validate=True)
            except ValueError:
                raise invalid("Could not unzip uploaded file. Please check your file, then try to upload again.")
        if body.get("S3Bucket") or body.get("S3Key"):
            if not (body.get("S3Bucket") and body.get("S3Key")):
                raise invalid("Please provide a source for function code (both S3Bucket and S3Key).")
            return self._s3_fetch(body["S3Bucket"], body["S3Key"], body.get("S3ObjectVersion"))
        raise invalid("Please provide a source for function code.")

    def _s3_fetch(self, bucket, key, version):
        ep = self.args.s3_endpoint
        if not ep:
            raise invalid("Code from S3 (S3Bucket/S3Key) needs the fake to be started with --s3-endpoint")
        parts = urlsplit(ep if "://" in ep else "http://" + ep)
        path = "/%s/%s" % (quote(bucket, safe=""), quote(key, safe="/~"))
        query = "versionId=" + quote(version, safe="") if version else ""
        ak = self.args.s3_access_key or self.args.access_key
        sk = self.args.s3_secret_key or self.args.secret_key
        headers = sigv4.sign("GET", path, query, {"host": parts.netloc}, b"", ak, sk, self.region, "s3",
                             content_sha_header=True)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.netloc, timeout=60)
        try:
            conn.request("GET", path + ("?" + query if query else ""), headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except OSError as exc:
            raise invalid("Error occurred while GetObject. S3 Error Message: %s" % exc)
        finally:
            conn.close()
        if resp.status != 200:
            code = re.search(rb"<Code>([^<]*)</Code>", data)
            msg = re.search(rb"<Message>([^<]*)</Message>", data)
            raise invalid("Error occurred while GetObject. S3 Error Code: %s. S3 Error Message: %s" % (
                code.group(1).decode() if code else resp.status, msg.group(1).decode() if msg else ""))
        return data

    def _check_env(self, env):
        if env is None:
            return None
        variables = env.get("Variables") or {}
        if not isinstance(variables, dict):
            raise validation("environment.variables", variables, "Member must be a map")
        reserved = sorted(k for k in variables if k in RESERVED_ENV)
        if reserved:
            raise invalid("Lambda was unable to configure your environment variables because the environment variables "
                          "you have provided contains reserved keys that are currently not supported for modification. "
                          "Reserved keys used in this request: %s" % ",".join(reserved))
        for k, v in variables.items():
            if not ENV_KEY.match(k):
                raise validation("environment.variables", k, "Member must satisfy regular expression pattern: "
                                 "[a-zA-Z]([a-zA-Z0-9_])+")
            if not isinstance(v, str):
                raise ApiError(400, "SerializationException", "Environment variable values must be strings (%s)" % k)
        if len(json.dumps(variables, separators=(",", ":"))) > 4096:
            raise invalid("Lambda was unable to configure your environment variables because the environment variables "
                          "you have provided exceeded the 4KB limit.")
        return {"Variables": dict(variables)}

    def _check_role(self, role):
        if not role:
            raise validation("role", None, "Member must not be null")
        m = ROLE_ARN.match(role)
        if not m:
            raise validation("role", role, "Member must satisfy regular expression pattern: "
                             "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
        name = m.group(3).rsplit("/", 1)[-1]
        r = self.roles.get(name)
        if m.group(2) != self.account or r is None or "lambda.amazonaws.com" not in r["trust"]:
            raise invalid("The role defined for the function cannot be assumed by Lambda.")

    def _check_common(self, body, create):
        if "Runtime" in body or create:
            rt = body.get("Runtime")
            if rt in DEPRECATED:
                raise invalid("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda "
                              "functions. We recommend you use the new runtime (%s) while creating or updating "
                              "functions." % (rt, DEPRECATED[rt]))
            if rt not in RUNTIMES:
                raise validation("runtime", rt, "Member must satisfy enum value set: [%s]" % ", ".join(RUNTIMES))
            blocked = BLOCKED.get(rt)
            if blocked and self.today >= blocked[0 if create else 1]:
                raise invalid("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda "
                              "functions. We recommend you use a supported runtime while creating or updating "
                              "functions." % rt)
        if "Timeout" in body:
            t = body["Timeout"]
            if not isinstance(t, int) or t < 1 or t > 900:
                raise validation("timeout", t, "Member must have value %s" % (
                    "greater than or equal to 1" if isinstance(t, int) and t < 1 else "less than or equal to 900"))
        if "MemorySize" in body:
            m = body["MemorySize"]
            if not isinstance(m, int) or m < 128 or m > 10240:
                raise validation("memorySize", m, "Member must have value %s" % (
                    "greater than or equal to 128" if isinstance(m, int) and m < 128 else "less than or equal to 10240"))
        if "Handler" in body or create:
            h = body.get("Handler")
            if not h or len(h) > 128 or re.search(r"\s", h):
                raise validation("handler", h, "Member must satisfy regular expression pattern: [^\\s]+")
        if "Role" in body or create:
            self._check_role(body.get("Role"))
        if "Architectures" in body:
            a = body["Architectures"]
            if not isinstance(a, list) or len(a) != 1 or a[0] not in ("x86_64", "arm64"):
                raise validation("architectures", a, "Member must have length less than or equal to 1 and satisfy "
                                 "enum value set: [x86_64, arm64]")

    @staticmethod
    def _logging_config(given, current):
        """LoggingConfig: LogFormat Text|JSON; the log levels only with JSON (Lambda's InvalidParameterValueException)."""
        out = dict(current)
        if given is None:
            return out
        if not isinstance(given, dict):
            raise validation("loggingConfig", given, "Member must be a structure")
        fmt = given.get("LogFormat", out.get("LogFormat", "Text"))
        if fmt not in ("Text", "JSON"):
            raise validation("loggingConfig.logFormat", fmt, "Member must satisfy enum value set: [JSON, Text]")
        out["LogFormat"] = fmt
        for level in ("ApplicationLogLevel", "SystemLogLevel"):
            if level in given:
                if fmt != "JSON":
                    raise invalid("To set %s, the log format must be JSON." % level)
                out[level] = given[level]
        if fmt == "JSON":
            out.setdefault("ApplicationLogLevel", "INFO")
            out.setdefault("SystemLogLevel", "INFO")
        return out

    def _state_timer(self, fn, action):
        def run():
            with self.lock:
                if fn.deleted:
                    return
                action()
        t = threading.Timer(self.delay, run)
        t.daemon = True
        t.start()

    def public_config(self, fn):
        return json.loads(json.dumps(fn.config))

    # -- Lambda --------------------------------------------------------------------------------------------------
    def create_function(self, body):
        name = body.get("FunctionName")
        if not name or not FUNCTION_NAME.match(name):
            raise validation("functionName", name, "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+")
        package = body.get("PackageType", "Zip")
        if package not in ("Zip", "Image"):
            raise validation("packageType", package, "Member must satisfy enum value set: [Zip, Image]")
        with self.lock:
            if name in self.functions:
                raise ApiError(409, "ResourceConflictException", "Function already exist: %s" % name)
        image = None
        if package == "Image":
            if "Runtime" in body or "Handler" in body:
                raise invalid("Runtime and Handler are not supported for functions with the Image package type.")
            uri = (body.get("Code") or {}).get("ImageUri")
            if not uri:
                raise invalid("Please provide a source for function code (ImageUri).")
            self._check_common({k: v for k, v in body.items() if k not in ("Runtime", "Handler")}, False)
            if "Role" not in body:
                self._check_role(None)
            arch = (body.get("Architectures") or ["x86_64"])[0]
            code_dir, image_handler, image_runtime, digest = self._fetch_image(uri, arch)
            image = (uri, image_handler, image_runtime, digest)
            code = b""
        else:
            self._check_common(body, True)
        env = self._check_env(body.get("Environment"))
        if image is None:
            code = self._code_bytes(body.get("Code") or {})
            code_dir = self._unzip(code)
        with self.lock:
            if name in self.functions:
                shutil.rmtree(code_dir, ignore_errors=True)
                raise ApiError(409, "ResourceConflictException", "Function already exist: %s" % name)
            fn = Function(self, name)
            fn.code_zip, fn.code_dir = code, code_dir
            fn.config = {
                "FunctionName": name, "FunctionArn": fn.arn, "Runtime": body.get("Runtime"), "Role": body["Role"],
                "Handler": body.get("Handler"), "CodeSize": len(code),
                "CodeSha256": base64.b64encode(hashlib.sha256(code).digest()).decode(),
                "Description": body.get("Description", ""), "Timeout": body.get("Timeout", 3),
                "MemorySize": body.get("MemorySize", 128), "LastModified": iso_lambda(), "Version": "$LATEST",
                "TracingConfig": {"Mode": "PassThrough"}, "RevisionId": str(uuid.uuid4()),
                "State": "Pending", "StateReason": "The function is being created.", "StateReasonCode": "Creating",
                "PackageType": "Zip", "Architectures": body.get("Architectures") or ["x86_64"],
                "EphemeralStorage": {"Size": 512},
                "LoggingConfig": self._logging_config(body.get("LoggingConfig"), {"LogFormat": "Text", "LogGroup": fn.log_group}),
            }
            if env and env["Variables"]:
                fn.config["Environment"] = env
            if image:
                # Image functions have no Runtime/Handler; CodeSha256 is the image digest (hex).
                for k in ("Runtime", "Handler"):
                    fn.config.pop(k, None)
                fn.config["PackageType"] = "Image"
                fn.config["CodeSha256"] = image[3].split(":")[-1]
                fn.image_uri, fn.image_handler, fn.image_runtime = image[0], image[1], image[2]
            self.functions[name] = fn

            def activate():
                fn.config["State"] = "Active"
                for k in ("StateReason", "StateReasonCode"):
                    fn.config.pop(k, None)
                fn.config["LastUpdateStatus"] = "Successful"
                fn.active = fn.snapshot()
            self._state_timer(fn, activate)
            return 201, self.public_config(fn)

    def _guard_blocked_update(self, fn):
        blocked = BLOCKED.get(fn.config.get("Runtime"))
        if blocked and self.today >= blocked[1]:
            raise invalid("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda "
                          "functions. We recommend you use a supported runtime while creating or updating "
                          "functions." % fn.config.get("Runtime"))

    def _guard_update(self, fn):
        if fn.config.get("State") == "Pending":
            raise ApiError(409, "ResourceConflictException", "The operation cannot be performed at this time. "
                           "The function is currently in the following state: Pending")
        if fn.config.get("LastUpdateStatus") == "InProgress":
            raise ApiError(409, "ResourceConflictException", "The operation cannot be performed at this time. "
                           "An update is in progress for resource: %s" % fn.arn)

    def _begin_update(self, fn):
        fn.config["LastUpdateStatus"] = "InProgress"
        fn.config["LastUpdateStatusReason"] = "The function is being created."
        fn.config["LastUpdateStatusReasonCode"] = "Creating"
        fn.config["LastModified"] = iso_lambda()
        fn.config["RevisionId"] = str(uuid.uuid4())

        def finish():
            fn.config["LastUpdateStatus"] = "Successful"
            for k in ("LastUpdateStatusReason", "LastUpdateStatusReasonCode"):
                fn.config.pop(k, None)
            fn.active = fn.snapshot()
            fn.retire_sandboxes()
        self._state_timer(fn, finish)

    def update_code(self, name, body):
        with self.lock:
            fn = self.function(name)
            self._guard_update(fn)
            self._guard_blocked_update(fn)
        self._check_common({k: body[k] for k in ("Architectures",) if k in body}, False)
        image = None
        if fn.config.get("PackageType") == "Image":
            if not body.get("ImageUri"):
                raise invalid("Please provide ImageUri when updating a function with Image package type.")
            arch = (body.get("Architectures") or fn.config.get("Architectures") or ["x86_64"])[0]
            code_dir, handler, runtime, digest = self._fetch_image(body["ImageUri"], arch)
            image = (body["ImageUri"], handler, runtime, digest)
            code = b""
        elif body.get("ImageUri"):
            raise invalid("Please don't provide ImageUri when updating a function with Zip package type.")
        else:
            code = self._code_bytes(body)
            code_dir = self._unzip(code)
        with self.lock:
            self._guard_update(fn)
            if body.get("DryRun"):
                shutil.rmtree(code_dir, ignore_errors=True)
                return 200, self.public_config(fn)
            fn.code_zip, fn.code_dir = code, code_dir   # the old dir stays until exit: old sandboxes may use it
            fn.config["CodeSize"] = len(code)
            fn.config["CodeSha256"] = base64.b64encode(hashlib.sha256(code).digest()).decode()
            if image:
                fn.image_uri, fn.image_handler, fn.image_runtime = image[0], image[1], image[2]
                fn.config["CodeSha256"] = image[3].split(":")[-1]
            if body.get("Architectures"):
                fn.config["Architectures"] = body["Architectures"]
            self._begin_update(fn)
            return 200, self.public_config(fn)

    def update_configuration(self, name, body):
        with self.lock:
            fn = self.function(name)
            self._guard_update(fn)
            if "Runtime" not in body:
                self._guard_blocked_update(fn)
        self._check_common(body, False)
        env = self._check_env(body.get("Environment"))
        with self.lock:
            self._guard_update(fn)
            for k in ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime", "EphemeralStorage"):
                if k in body:
                    fn.config[k] = body[k]
            if "LoggingConfig" in body:
                fn.config["LoggingConfig"] = self._logging_config(body["LoggingConfig"], fn.config["LoggingConfig"])
            if env is not None:
                if env["Variables"]:
                    fn.config["Environment"] = env
                else:
                    fn.config.pop("Environment", None)
            self._begin_update(fn)
            return 200, self.public_config(fn)

    def get_function(self, name):
        with self.lock:
            fn = self.function(name)
            if fn.config.get("PackageType") == "Image":
                return 200, {"Configuration": self.public_config(fn),
                             "Code": {"RepositoryType": "ECR", "ImageUri": fn.image_uri,
                                      "ResolvedImageUri": fn.image_uri.split(":")[0] + "@sha256:" + fn.config["CodeSha256"]}}
            return 200, {"Configuration": self.public_config(fn),
                         "Code": {"RepositoryType": "S3",
                                  "Location": "http://127.0.0.1:%d/__fake/code/%s.zip" % (self.port, fn.name)}}

    def list_functions(self, query):
        with self.lock:
            names = sorted(self.functions)
            start = int(query.get("Marker") or 0)
            size = min(int(query.get("MaxItems") or 50), 50)
            page = names[start:start + size]
            out = {"Functions": [self.public_config(self.functions[n]) for n in page]}
            if start + size < len(names):
                out["NextMarker"] = str(start + size)
            return 200, out

    def delete_function(self, name):
        with self.lock:
            fn = self.function(name)
            fn.deleted = True
            del self.functions[fn.name]
            fn.retire_sandboxes()
        return 204, None

    def add_permission(self, name, body):
        with self.lock:
            fn = self.function(name)
            sid = body.get("StatementId")
            if not sid or not STATEMENT_ID.match(sid):
                raise validation("statementId", sid, "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
            action = body.get("Action")
            if not action or not re.match(r"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$", action):
                raise validation("action", action, "Member must satisfy regular expression pattern: "
                                 "(lambda:[*]|lambda:[a-zA-Z]+|[*])")
            principal = body.get("Principal")
            if not principal:
                raise validation("principal", principal, "Member must not be null")
            if any(s["Sid"] == sid for s in fn.policy):
                raise ApiError(409, "ResourceConflictException", "The statement id (%s) provided already exists. Please "
                               "provide a new statement id, or remove the existing statement." % sid)
            if principal == "*":
                p = "*"
            elif principal.endswith(".amazonaws.com"):
                p = {"Service": principal}
            elif re.match(r"^\d{12}$", principal):
                p = {"AWS": "arn:%s:iam::%s:root" % (self.partition, principal)}
            else:
                p = {"AWS": principal}
            st = {"Sid": sid, "Effect": "Allow", "Principal": p, "Action": action, "Resource": fn.arn}
            cond = {}
            if body.get("FunctionUrlAuthType"):
                if body["FunctionUrlAuthType"] not in ("NONE", "AWS_IAM"):
                    raise validation("functionUrlAuthType", body["FunctionUrlAuthType"],
                                     "Member must satisfy enum value set: [NONE, AWS_IAM]")
                cond.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = body["FunctionUrlAuthType"]
            if body.get("SourceAccount"):
                cond.setdefault("StringEquals", {})["AWS:SourceAccount"] = body["SourceAccount"]
            if body.get("SourceArn"):
                cond["ArnLike"] = {"AWS:SourceArn": body["SourceArn"]}
            if body.get("InvokedViaFunctionUrl") is not None:
                if action != "lambda:InvokeFunction":
                    raise ApiError(400, "InvalidParameterValueException",
                                   "InvokedViaFunctionUrl is only valid with the lambda:InvokeFunction action.")
                cond.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true" if body["InvokedViaFunctionUrl"] else "false"
            if cond:
                st["Condition"] = cond
            fn.policy.append(st)
            fn.url_permission_at = time.time()
            return 201, {"Statement": json.dumps(st, separators=(",", ":"))}

    def get_policy(self, name):
        with self.lock:
            fn = self.function(name)
            if not fn.policy:
                raise ApiError(404, "ResourceNotFoundException", "The resource you requested does not exist.")
            return 200, {"Policy": json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": fn.policy},
                                              separators=(",", ":")), "RevisionId": fn.config["RevisionId"]}

    def remove_permission(self, name, sid):
        with self.lock:
            fn = self.function(name)
            before = len(fn.policy)
            fn.policy = [s for s in fn.policy if s["Sid"] != unquote(sid)]
            if len(fn.policy) == before:
                raise ApiError(404, "ResourceNotFoundException", "No policy is associated with the given resource.")
            return 204, None

    def url_config(self, method, name, body):
        with self.lock:
            fn = self.function(name)
            if method == "POST":
                if fn.url:
                    raise ApiError(409, "ResourceConflictException", "Failed to create function url config for "
                                   "[functionArn = %s]. Error message:  FunctionUrlConfig exists for this Lambda "
                                   "function" % fn.arn)
                auth = body.get("AuthType")
                if auth not in ("NONE", "AWS_IAM"):
                    raise validation("authType", auth, "Member must satisfy enum value set: [NONE, AWS_IAM]")
                ts = iso_z().replace("Z", ".000000Z")
                fn.url = {"FunctionUrl": "http://127.0.0.1:%d/lambda-url/%s/" % (self.port, fn.name),
                          "FunctionArn": fn.arn, "AuthType": auth, "CreationTime": ts, "LastModifiedTime": ts,
                          "InvokeMode": body.get("InvokeMode") or "BUFFERED"}
                if body.get("Cors"):
                    fn.url["Cors"] = body["Cors"]
                out = dict(fn.url)
                out.pop("LastModifiedTime")
                return 201, out
            if fn.url is None:
                raise ApiError(404, "ResourceNotFoundException", "The resource you requested does not exist.")
            if method == "GET":
                return 200, dict(fn.url)
            if method == "PUT":
                if "AuthType" in body:
                    if body["AuthType"] not in ("NONE", "AWS_IAM"):
                        raise validation("authType", body["AuthType"], "Member must satisfy enum value set: [NONE, AWS_IAM]")
                    fn.url["AuthType"] = body["AuthType"]
                if "Cors" in body:
                    fn.url["Cors"] = body["Cors"]
                fn.url["LastModifiedTime"] = iso_z().replace("Z", ".000000Z")
                return 200, dict(fn.url)
            fn.url = None
            return 204, None

    def _acquire(self, fn):
        with self.lock:
            if fn.config.get("State") == "Pending" or fn.active is None:
                raise ApiError(409, "ResourceConflictException", "The operation cannot be performed at this time. "
                               "The function is currently in the following state: Pending")
            snap = fn.active
            fn.invocations += 1
            for sb in reversed(fn.sandboxes):
                if not sb.busy and not sb.retired and sb.generation == snap["generation"] and sb.alive():
                    sb.busy = True
                    return sb, snap
        sb = Sandbox(self, fn, snap)
        sb.busy = True
        with self.lock:
            if fn.deleted or fn.active is None or fn.active["generation"] != snap["generation"]:
                sb.retired = True
            else:
                fn.sandboxes.append(sb)
        return sb, snap

    def _release(self, fn, sb):
        with self.lock:
            sb.busy = False
            dead = sb.retired or not sb.alive()
            if dead and sb in fn.sandboxes:
                fn.sandboxes.remove(sb)
        if dead:
            sb.kill()

    def run(self, fn, event, request_id=None):
        """Runs one invocation; returns (request_id, result dict, tail bytes)."""
        request_id = request_id or str(uuid.uuid4())
        sb, snap = self._acquire(fn)
        start = now_ms()
        try:
            res = sb.invoke(fn.arn, snap, request_id, event)
        finally:
            self._release(fn, sb)
        if snap.get("log_format") == "JSON":
            return self._run_json_log(fn, sb, snap, request_id, start, res)
        lines = [(start, "START RequestId: %s Version: $LATEST\n" % request_id)] + res["lines"]
        if not res["ok"] and res.get("error") and res["init_ms"] is not None and res["duration_ms"] == 0.0:
            lines.append((now_ms(), "%s\n" % json.dumps(res["error"])))  # init failure, as the runtime logs it
        report = "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t" \
                 "Max Memory Used: %d MB\t" % (request_id, res["duration_ms"], max(1, math.ceil(res["duration_ms"])),
                                              snap["memory"], res["maxrss_mb"])
        if res["init_ms"] is not None:
            report += "Init Duration: %.2f ms\t" % res["init_ms"]
        if res["timed_out"]:
            report += "Status: timeout"
        end = now_ms()
        lines += [(end, "END RequestId: %s\n" % request_id), (end, report + "\n")]
        self.logs.append(fn.log_group, sb.stream, lines)
        tail = "".join(t for _, t in lines).encode()[-TAIL_BYTES:]
        return request_id, res, tail

    def _run_json_log(self, fn, sb, snap, request_id, start, res):
        """The JSON log format: platform.start / platform.report records (the Telemetry API's shapes) as JSON lines."""
        def record(kind, rec, at):
            return (at, json.dumps({"time": iso_z(at / 1000.0).replace("Z", ".%03dZ" % (at % 1000)), "type": kind, "record": rec}) + "\n")
        lines = [record("platform.start", {"requestId": request_id, "version": "$LATEST"}, start)] + res["lines"]
        metrics = {"durationMs": round(res["duration_ms"], 2), "billedDurationMs": max(1, math.ceil(res["duration_ms"])),
                   "memorySizeMB": snap["memory"], "maxMemoryUsedMB": res["maxrss_mb"]}
        if res["init_ms"] is not None:
            metrics["initDurationMs"] = round(res["init_ms"], 2)
        status = "timeout" if res["timed_out"] else ("success" if res["ok"] else "error")
        end = now_ms()
        lines.append(record("platform.report", {"requestId": request_id, "metrics": metrics, "status": status}, end))
        self.logs.append(fn.log_group, sb.stream, lines)
        tail = "".join(t for _, t in lines).encode()[-TAIL_BYTES:]
        return request_id, res, tail

    def _throttle(self):
        """Takes one unit of the account's concurrency, or answers 429 at the limit (Invoke's TooManyRequestsException,
        Reason ConcurrentInvocationLimitExceeded); the caller gives it back with _release_slot."""
        with self.lock:
            if self.concurrency_limit is not None and self.in_flight >= self.concurrency_limit:
                raise ApiError(429, "TooManyRequestsException", "Rate Exceeded.", extra={"Reason": "ConcurrentInvocationLimitExceeded"})
            self.in_flight += 1

    def _release_slot(self):
        with self.lock:
            self.in_flight -= 1

    def invoke(self, name, headers, raw):
        with self.lock:
            fn = self.function(name)
        kind = headers.get("x-amz-invocation-type") or "RequestResponse"
        if kind not in ("RequestResponse", "Event", "DryRun"):
            raise validation("invocationType", kind, "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
        if len(raw) > (256 * 1024 if kind == "Event" else MAX_PAYLOAD):
            raise ApiError(413, "RequestTooLargeException", "Request must be smaller than %d bytes for the Invoke "
                           "operation" % (256 * 1024 if kind == "Event" else MAX_PAYLOAD))
        try:
            event = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "InvalidRequestContentException", "Could not parse request body into json: %s" % exc)
        if kind == "DryRun":
            with self.lock:
                if fn.config.get("State") == "Pending":
                    raise ApiError(409, "ResourceConflictException", "The operation cannot be performed at this time. "
                                   "The function is currently in the following state: Pending")
            return 204, {"X-Amz-Executed-Version": "$LATEST"}, b""
        self._throttle()
        if kind == "Event":
            try:
                self._acquire_check(fn)
            except ApiError:
                self._release_slot()
                raise

            request_id = str(uuid.uuid4())

            def background():
                try:
                    self.run(fn, event, request_id)
                finally:
                    self._release_slot()
            threading.Thread(target=background, daemon=True).start()
            return 202, {"x-amzn-RequestId": request_id}, b""
        try:
            request_id, res, tail = self.run(fn, event)
        finally:
            self._release_slot()
        out_headers = {"X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": request_id}
        if (headers.get("x-amz-log-type") or "None") == "Tail":
            out_headers["X-Amz-Log-Result"] = base64.b64encode(tail).decode()
        if res["ok"]:
            return 200, out_headers, json.dumps(res["value"]).encode()
        out_headers["X-Amz-Function-Error"] = "Unhandled"
        return 200, out_headers, json.dumps(res["error"]).encode()

    def _acquire_check(self, fn):
        with self.lock:
            if fn.config.get("State") == "Pending" or fn.active is None:
                raise ApiError(409, "ResourceConflictException", "The operation cannot be performed at this time. "
                               "The function is currently in the following state: Pending")

    # -- ECR (JSON 1.1, SigV4 service "ecr") over the local registry ----------------------------------------------
    def _repo_json(self, r):
        return {"repositoryArn": "arn:%s:ecr:%s:%s:repository/%s" % (self.partition, self.region, self.account, r["name"]),
                "registryId": self.account, "repositoryName": r["name"],
                "repositoryUri": "%s/%s" % (self.registry or "%s.dkr.ecr.%s.amazonaws.com" % (self.account, self.region), r["name"]),
                "createdAt": r["created"], "imageTagMutability": r["mutability"],
                "imageScanningConfiguration": {"scanOnPush": False}, "encryptionConfiguration": {"encryptionType": "AES256"}}

    def _registry(self, method, path, accept=None):
        conn = http.client.HTTPConnection(self.registry, timeout=30)
        try:
            conn.request(method, path, headers={"Accept": accept} if accept else {})
            resp = conn.getresponse()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
        finally:
            conn.close()

    def _repo_tags(self, name):
        if not self.registry:
            return []
        status, _, body = self._registry("GET", "/v2/%s/tags/list" % name)
        return (json.loads(body).get("tags") or []) if status == 200 else []

    def ecr_call(self, op, body):
        name = body.get("repositoryName")
        if op == "GetAuthorizationToken":
            if not self.registry:
                raise ApiError(500, "ServerException", "The fake has no --registry to hand out", sender=False)
            token = base64.b64encode(("AWS:" + uuid.uuid4().hex).encode()).decode()
            return {"authorizationData": [{"authorizationToken": token, "expiresAt": time.time() + 12 * 3600,
                                           "proxyEndpoint": "http://" + self.registry}]}
        if op == "CreateRepository":
            if not name or not re.match(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", name) or len(name) > 256:
                raise ApiError(400, "InvalidParameterException", "Invalid parameter at 'repositoryName' failed to satisfy "
                               "constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")
            with self.lock:
                if name in self.repositories:
                    raise ApiError(400, "RepositoryAlreadyExistsException", "The repository with name '%s' already exists in the "
                                   "registry with id '%s'" % (name, self.account))
                self.repositories[name] = {"name": name, "created": time.time(),
                                           "mutability": body.get("imageTagMutability", "MUTABLE")}
                return {"repository": self._repo_json(self.repositories[name])}
        if op == "DescribeRepositories":
            with self.lock:
                names = body.get("repositoryNames")
                if names:
                    for n in names:
                        if n not in self.repositories:
                            raise ApiError(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the "
                                           "registry with id '%s'" % (n, self.account))
                    repos = [self.repositories[n] for n in names]
                else:
                    repos = [self.repositories[n] for n in sorted(self.repositories)]
                start = int(body.get("nextToken") or 0)
                size = int(body.get("maxResults") or 100)
                out = {"repositories": [self._repo_json(r) for r in repos[start:start + size]]}
                if start + size < len(repos):
                    out["nextToken"] = str(start + size)
                return out
        if op == "DeleteRepository":
            with self.lock:
                repo = self.repositories.get(name)
            if repo is None:
                raise ApiError(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry "
                               "with id '%s'" % (name, self.account))
            tags = self._repo_tags(name)
            if tags and not body.get("force"):
                raise ApiError(400, "RepositoryNotEmptyException", "The repository with name '%s' in registry with id '%s' cannot "
                               "be deleted because it still contains images" % (name, self.account))
            for tag in tags:
                st, hdrs, _ = self._registry("HEAD", "/v2/%s/manifests/%s" % (name, tag), MANIFEST_TYPES)
                if st == 200 and hdrs.get("docker-content-digest"):
                    self._registry("DELETE", "/v2/%s/manifests/%s" % (name, hdrs["docker-content-digest"]))
            with self.lock:
                self.repositories.pop(name, None)
            return {"repository": self._repo_json(repo)}
        raise ApiError(400, "UnknownOperationException", "Unknown operation %s" % op)

    def _fetch_image(self, uri, architecture):
        """Pulls ImageUri from the registry as Lambda does at deployment: manifest (a list picks the architecture),
        config (Cmd, WorkingDir) and layers, unpacked; returns (task root, handler, runtime the worker needs, digest)."""
        m = re.match(r"^([^/]+)/(.+?)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))$", uri or "")
        if not m:
            raise invalid("Source image %s is not valid. Provide a valid source image." % uri)
        host, repo, ref = m.group(1), m.group(2), m.group(3) or m.group(4)
        with self.lock:
            known = repo in self.repositories
        if not self.registry or host != self.registry or not known:
            raise invalid("Source image %s does not exist. Provide a valid source image." % uri)
        status, hdrs, body = self._registry("GET", "/v2/%s/manifests/%s" % (repo, ref), MANIFEST_TYPES)
        if status != 200:
            raise invalid("Source image %s does not exist. Provide a valid source image." % uri)
        manifest = json.loads(body)
        digest = hdrs.get("docker-content-digest", "")
        if "manifests" in manifest:
            want = "arm64" if architecture == "arm64" else "amd64"
            pick = [x for x in manifest["manifests"] if x.get("platform", {}).get("architecture") == want]
            if not pick:
                raise invalid("The image manifest, config or layer media type for the source image %s is not supported." % uri)
            status, hdrs, body = self._registry("GET", "/v2/%s/manifests/%s" % (repo, pick[0]["digest"]), MANIFEST_TYPES)
            manifest = json.loads(body)
        _, _, cfg = self._registry("GET", "/v2/%s/blobs/%s" % (repo, manifest["config"]["digest"]))
        config = json.loads(cfg).get("config") or {}
        root = tempfile.mkdtemp(prefix="image-", dir=self.root)
        for layer in manifest.get("layers", []):
            st, _, blob = self._registry("GET", "/v2/%s/blobs/%s" % (repo, layer["digest"]))
            if st != 200:
                raise invalid("Failed to pull layer %s of %s" % (layer["digest"], uri))
            with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
                tar.extractall(root, filter="data")
        task = os.path.join(root, (config.get("WorkingDir") or "/var/task").lstrip("/"))
        handler = (config.get("Cmd") or ["app.handler"])[0]
        module = handler.rsplit(".", 1)[0]
        if os.path.exists(os.path.join(task, module + ".py")):
            runtime = "python3.14"
        elif os.path.exists(os.path.join(task, module + ".js")) or os.path.exists(os.path.join(task, module + ".mjs")):
            runtime = "nodejs24.x"
        else:
            raise invalid("The fake finds no handler module %s in %s of %s" % (module, task, uri))
        return task, handler, runtime, digest

    # -- CloudWatch Logs -----------------------------------------------------------------------------------------
    def logs_call(self, target, body):
        op = target.split(".", 1)[-1]
        if op == "FilterLogEvents":
            return self.filter_log_events(body)
        if op == "DescribeLogGroups":
            prefix = body.get("logGroupNamePrefix") or ""
            with self.logs.lock:
                groups = [{"logGroupName": n, "creationTime": g["created"], "storedBytes": 0,
                           "arn": "arn:%s:logs:%s:%s:log-group:%s:*" % (self.partition, self.region, self.account, n)}
                          for n, g in sorted(self.logs.groups.items()) if n.startswith(prefix)]
            limit = body.get("limit", 50)
            if not isinstance(limit, int) or limit < 1 or limit > 50:
                raise ApiError(400, "InvalidParameterException", "1 validation error detected: Value '%s' at 'limit' failed to "
                               "satisfy constraint: Member must have value less than or equal to 50" % limit)
            start = int(body.get("nextToken") or 0)
            out = {"logGroups": groups[start:start + limit]}
            if start + limit < len(groups):
                out["nextToken"] = str(start + limit)
            return out
        if op == "DeleteLogGroup":
            with self.logs.lock:
                if self.logs.groups.pop(body.get("logGroupName"), None) is None:
                    raise ApiError(400, "ResourceNotFoundException", "The specified log group does not exist.")
            return {}
        if op == "StartQuery":
            return self.start_query(body)
        if op == "GetQueryResults":
            return self.get_query_results(body)
        raise ApiError(400, "UnknownOperationException", "Unknown operation %s" % target)

    def filter_log_events(self, body):
        group = body.get("logGroupName") or body.get("logGroupIdentifier")
        if not group:
            raise ApiError(400, "InvalidParameterException", "Either logGroupName or logGroupIdentifier must be given")
        match = _filter_matcher(body.get("filterPattern"))
        start, end = body.get("startTime"), body.get("endTime")
        streams = body.get("logStreamNames")
        prefix = body.get("logStreamNamePrefix")
        limit = body.get("limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1 or limit > 10000):
            raise validation("limit", limit, "Member must have value between 1 and 10000")
        page = min(limit or LOG_PAGE, LOG_PAGE)
        offset = 0
        if body.get("nextToken"):
            try:
                tok = json.loads(base64.b64decode(body["nextToken"]).decode())
                offset = int(tok["o"])
                if tok["g"] != group:
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                raise ApiError(400, "InvalidParameterException", "The specified nextToken is invalid.")
        with self.logs.lock:
            g = self.logs.groups.get(group)
            if g is None:
                raise ApiError(400, "ResourceNotFoundException", "The specified log group does not exist.")
            events = list(g["events"])
        selected = [e for e in events
                    if (start is None or e["timestamp"] >= start) and (end is None or e["timestamp"] <= end)
                    and (not streams or e["logStreamName"] in streams)
                    and (not prefix or e["logStreamName"].startswith(prefix)) and match(e["message"])]
        chunk = selected[offset:offset + page]
        out = {"events": [dict(e) for e in chunk], "searchedLogStreams": []}
        if offset + page < len(selected):
            out["nextToken"] = base64.b64encode(json.dumps({"g": group, "o": offset + page}).encode()).decode()
        return out

    def start_query(self, body):
        groups = body.get("logGroupNames") or ([body["logGroupName"]] if body.get("logGroupName") else [])
        if not groups:
            raise ApiError(400, "InvalidParameterException", "logGroupName or logGroupNames must be given")
        with self.logs.lock:
            for gname in groups:
                if gname not in self.logs.groups:
                    raise ApiError(400, "ResourceNotFoundException", "Log group '%s' does not exist for account ID "
                                   "'%s'" % (gname, self.account))
        qs = body.get("queryString") or ""
        m = re.search(r"filter\s+@message\s+like\s+/(.*?)/", qs)
        regex = re.compile(m.group(1)) if m else None
        lm = re.search(r"\|\s*limit\s+(\d+)", qs)
        limit = min(int(lm.group(1)) if lm else 1000, body.get("limit") or 10000)
        start, end = body.get("startTime", 0) * 1000, body.get("endTime", 2 ** 40) * 1000
        rows = []
        with self.logs.lock:
            for gname in groups:
                for e in self.logs.groups[gname]["events"]:
                    if start <= e["timestamp"] <= end and (regex is None or regex.search(e["message"])):
                        rows.append([{"field": "@timestamp", "value": datetime.datetime.fromtimestamp(
                                         e["timestamp"] / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]},
                                     {"field": "@message", "value": e["message"]},
                                     {"field": "@logStream", "value": e["logStreamName"]},
                                     {"field": "@ptr", "value": e["eventId"]}])
        qid = str(uuid.uuid4())
        self.queries[qid] = {"rows": rows[:limit], "ready": time.time() + self.delay}
        return {"queryId": qid}

    def get_query_results(self, body):
        q = self.queries.get(body.get("queryId"))
        if q is None:
            raise ApiError(400, "ResourceNotFoundException", "Query does not exist.")
        if time.time() < q["ready"]:
            return {"results": [], "statistics": {"recordsMatched": 0.0, "recordsScanned": 0.0, "bytesScanned": 0.0},
                    "status": "Running"}
        return {"results": q["rows"], "status": "Complete",
                "statistics": {"recordsMatched": float(len(q["rows"])), "recordsScanned": float(len(q["rows"])),
                               "bytesScanned": 0.0}}

    # -- IAM / STS -----------------------------------------------------------------------------------------------
    def _create_role(self, name, doc, path):
        self.roles[name] = {"RoleName": name, "Path": path or "/", "trust": doc,
                            "RoleId": "AROA" + uuid.uuid4().hex[:17].upper(), "CreateDate": iso_z(),
                            "Arn": "arn:%s:iam::%s:role%s%s" % (self.partition, self.account, path or "/", name), "policies": []}
        return self.roles[name]

    @staticmethod
    def _role_xml(r):
        return ("<Role><Path>%s</Path><RoleName>%s</RoleName><RoleId>%s</RoleId><Arn>%s</Arn>"
                "<CreateDate>%s</CreateDate><AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>"
                "<MaxSessionDuration>3600</MaxSessionDuration></Role>" % (
                    xml_escape(r["Path"]), xml_escape(r["RoleName"]), r["RoleId"], xml_escape(r["Arn"]),
                    r["CreateDate"], xml_escape(quote(r["trust"], safe=""))))

    def iam_call(self, params):
        action = params.get("Action")
        if params.get("Version") != "2010-05-08":
            raise ApiError(400, "InvalidAction", "Could not find operation %s for version %s" % (action, params.get("Version")))
        name = params.get("RoleName")
        with self.lock:
            if action == "GetRole":
                r = self.roles.get(name)
                if r is None:
                    raise ApiError(404, "NoSuchEntity", "The role with name %s cannot be found." % name)
                return "GetRole", "<GetRoleResult>%s</GetRoleResult>" % self._role_xml(r)
            if action == "CreateRole":
                if not name or not re.match(r"^[\w+=,.@-]{1,64}$", name):
                    raise ApiError(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleName' failed "
                                   "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+" % name)
                doc = params.get("AssumeRolePolicyDocument")
                if not doc:
                    raise ApiError(400, "ValidationError", "1 validation error detected: Value null at "
                                   "'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
                try:
                    parsed = json.loads(doc)
                    if not isinstance(parsed, dict) or "Statement" not in parsed:
                        raise ValueError
                except ValueError:
                    raise ApiError(400, "MalformedPolicyDocument", "This policy contains invalid Json")
                if name in self.roles:
                    raise ApiError(409, "EntityAlreadyExists", "Role with name %s already exists." % name)
                r = self._create_role(name, doc, params.get("Path"))
                return "CreateRole", "<CreateRoleResult>%s</CreateRoleResult>" % self._role_xml(r)
            if action in ("AttachRolePolicy", "DetachRolePolicy"):
                r = self.roles.get(name)
                if r is None:
                    raise ApiError(404, "NoSuchEntity", "The role with name %s cannot be found." % name)
                arn = params.get("PolicyArn") or ""
                if not re.match(r"^arn:%s:iam::(aws|\d{12}):policy/.+$" % re.escape(self.partition), arn):
                    raise ApiError(400, "InvalidInput", "ARN %s is not valid." % arn)
                if action == "AttachRolePolicy":
                    if arn not in r["policies"]:
                        r["policies"].append(arn)
                elif arn in r["policies"]:
                    r["policies"].remove(arn)
                else:
                    raise ApiError(404, "NoSuchEntity", "Policy %s was not found." % arn)
                return action, ""
            if action == "ListAttachedRolePolicies":
                r = self.roles.get(name)
                if r is None:
                    raise ApiError(404, "NoSuchEntity", "The role with name %s cannot be found." % name)
                members = "".join("<member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member>"
                                  % (xml_escape(a.rsplit("/", 1)[-1]), xml_escape(a)) for a in r["policies"])
                return action, ("<ListAttachedRolePoliciesResult><IsTruncated>false</IsTruncated><AttachedPolicies>%s"
                                "</AttachedPolicies></ListAttachedRolePoliciesResult>" % members)
            if action == "DeleteRole":
                if self.roles.pop(name, None) is None:
                    raise ApiError(404, "NoSuchEntity", "The role with name %s cannot be found." % name)
                return action, ""
        raise ApiError(400, "InvalidAction", "Could not find operation %s for version 2010-05-08" % action)

    def sts_call(self, params, access_key):
        action = params.get("Action")
        if action != "GetCallerIdentity" or params.get("Version") != "2011-06-15":
            raise ApiError(400, "InvalidAction", "Could not find operation %s for version %s" % (action, params.get("Version")))
        uid = "AIDA" + hashlib.sha256(access_key.encode()).hexdigest()[:17].upper()
        account = self.accounts.get(access_key, self.account)
        return action, ("<GetCallerIdentityResult><Arn>arn:%s:iam::%s:user/sebs-test</Arn><UserId>%s</UserId>"
                        "<Account>%s</Account></GetCallerIdentityResult>" % (self.partition, account, uid, account))

    # -- inspection ----------------------------------------------------------------------------------------------
    def inspect(self):
        with self.lock:
            return [{"name": fn.name, "state": fn.config.get("State"), "lastUpdateStatus": fn.config.get("LastUpdateStatus"),
                     "runtime": fn.config.get("Runtime"), "memory": fn.config.get("MemorySize"),
                     "packageType": fn.config.get("PackageType"), "imageUri": fn.image_uri,
                     "timeout": fn.config.get("Timeout"),
                     "env": fn.config.get("Environment", {}).get("Variables", {}),
                     "activeEnv": (fn.active or {}).get("env"), "activeMemory": (fn.active or {}).get("memory"),
                     "sandboxes": len(fn.sandboxes), "busySandboxes": sum(1 for s in fn.sandboxes if s.busy),
                     "invocations": fn.invocations, "url": fn.url["FunctionUrl"] if fn.url else None,
                     "policyStatements": [s["Sid"] for s in fn.policy]}
                    for fn in self.functions.values()]

    # -- Function URLs -------------------------------------------------------------------------------------------
    def url_allowed(self, fn):
        # Since October 2025 a public URL needs both lambda:InvokeFunctionUrl (auth type NONE) and
        # lambda:InvokeFunction (invoked via the URL) granted to everyone.
        url_ok = invoke_ok = False
        for st in fn.policy:
            if st.get("Effect") != "Allow" or st.get("Principal") not in ("*", {"AWS": "*"}):
                continue
            cond = st.get("Condition", {})
            if st.get("Action") in ("lambda:*", "*"):
                url_ok = invoke_ok = True
            elif st.get("Action") == "lambda:InvokeFunctionUrl" and cond.get("StringEquals", {}).get("lambda:FunctionUrlAuthType") == "NONE":
                url_ok = True
            elif st.get("Action") == "lambda:InvokeFunction" and cond.get("Bool", {}).get("lambda:InvokedViaFunctionUrl") in (None, "true"):
                invoke_ok = True
        return url_ok and invoke_ok


# ----------------------------------------------------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------------------------------------------------
LAMBDA_ROUTES = [
    ("POST", re.compile(r"^/2015-03-31/functions/?$"), "create"),
    ("GET", re.compile(r"^/2015-03-31/functions/?$"), "list"),
    ("GET", re.compile(r"^/2015-03-31/functions/([^/]+)/?$"), "get"),
    ("DELETE", re.compile(r"^/2015-03-31/functions/([^/]+)/?$"), "delete"),
    ("GET", re.compile(r"^/2015-03-31/functions/([^/]+)/configuration/?$"), "get_config"),
    ("PUT", re.compile(r"^/2015-03-31/functions/([^/]+)/configuration/?$"), "update_config"),
    ("PUT", re.compile(r"^/2015-03-31/functions/([^/]+)/code/?$"), "update_code"),
    ("POST", re.compile(r"^/2015-03-31/functions/([^/]+)/invocations/?$"), "invoke"),
    ("POST", re.compile(r"^/2015-03-31/functions/([^/]+)/policy/?$"), "add_permission"),
    ("GET", re.compile(r"^/2015-03-31/functions/([^/]+)/policy/?$"), "get_policy"),
    ("DELETE", re.compile(r"^/2015-03-31/functions/([^/]+)/policy/([^/]+)/?$"), "remove_permission"),
    ("POST", re.compile(r"^/2021-10-31/functions/([^/]+)/url/?$"), "url"),
    ("GET", re.compile(r"^/2021-10-31/functions/([^/]+)/url/?$"), "url"),
    ("PUT", re.compile(r"^/2021-10-31/functions/([^/]+)/url/?$"), "url"),
    ("DELETE", re.compile(r"^/2021-10-31/functions/([^/]+)/url/?$"), "url"),
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeAWS/1"
    sys_version = ""
    fake = None

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        hdrs = {"Content-Type": content_type}
        hdrs.update(headers or {})
        if "x-amzn-RequestId" not in hdrs:
            hdrs["x-amzn-RequestId"] = str(uuid.uuid4())
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.fake.log(self.command, self.path.split("?", 1)[0], getattr(self, "_service", None), status)

    def _json_error(self, status, code, message, service, extra=None):
        if service in ("logs", "ecr"):
            return self._send(status, {"__type": code, "message": message}, {"x-amzn-ErrorType": code},
                              "application/x-amz-json-1.1")
        body = {"message": message} if code in ("InvalidSignatureException", "UnrecognizedClientException",
                                                "MissingAuthenticationTokenException", "IncompleteSignatureException",
                                                "ValidationException") else {"Type": "User", "message": message}
        body.update(extra or {})
        self._send(status, body, {"x-amzn-ErrorType": code})

    def _xml_error(self, status, code, message, sender=True):
        rid = str(uuid.uuid4())
        self._send(status, '<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
                   '</Error><RequestId>%s</RequestId></ErrorResponse>' % (
                       IAM_NS, "Sender" if sender else "Receiver", code, xml_escape(message), rid),
                   {"x-amzn-RequestId": rid}, "text/xml")

    def _error(self, service, exc):
        if service in ("iam", "sts"):
            self._xml_error(exc.status, exc.code, exc.message, exc.sender)
        else:
            self._json_error(exc.status, exc.code, exc.message, service, exc.extra)

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def _dispatch(self):
        raw = self._body()
        path, _, query = self.path.partition("?")
        self._service = None
        try:
            if path.startswith("/apigw/"):
                self._service = "execute-api"
                return self._http_api_invoke(path, query, raw)
            if path.startswith("/lambda-url/"):
                self._service = "lambda-url"
                return self._function_url(path, query, raw)
            if path.startswith("/__fake/"):
                self._service = "fake"
                return self._inspect(path, raw)
            self._aws(path, query, raw)
        except ApiError as exc:
            self._error(self._service, exc)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            import traceback
            traceback.print_exc()
            self._error(self._service, ApiError(500, "ServiceException", "fake AWS internal error: %s" % exc, False))

    def _inspect(self, path, raw=b""):
        if path == "/__fake/functions":
            return self._send(200, self.fake.inspect())
        if path == "/__fake/settings" and self.command == "POST":
            # Test knobs: the account concurrency limit (null = none) and the URL permission propagation delay.
            body = json.loads(raw.decode() or "{}")
            with self.fake.lock:
                if "concurrencyLimit" in body:
                    self.fake.concurrency_limit = body["concurrencyLimit"]
                if "urlPermissionDelay" in body:
                    self.fake.url_permission_delay = float(body["urlPermissionDelay"])
            return self._send(200, {"concurrencyLimit": self.fake.concurrency_limit,
                                    "urlPermissionDelay": self.fake.url_permission_delay})
        m = re.match(r"^/__fake/code/([^/]+)\.zip$", path)
        if m:
            with self.fake.lock:
                fn = self.fake.functions.get(m.group(1))
                data = fn.code_zip if fn else None
            if data is None:
                return self._send(404, {"message": "no such function"})
            return self._send(200, data, content_type="application/zip")
        self._send(404, {"message": "unknown inspection path"})

    def _aws(self, path, query, raw):
        headers = list(self.headers.items())
        fake = self.fake
        guess = "lambda" if path.startswith("/20") else ("logs" if self.headers.get("X-Amz-Target") else "iam")
        self._service = guess
        try:
            auth = sigv4.verify(self.command, path, query, headers, raw, fake.credentials)
        except sigv4.AuthError as exc:
            svc = guess
            try:
                svc = sigv4.parse_authorization(self.headers.get("Authorization"))["service"]
            except sigv4.AuthError:
                pass
            self._service = svc
            if svc in ("iam", "sts"):
                code = {"InvalidSignatureException": "SignatureDoesNotMatch",
                        "UnrecognizedClientException": "InvalidClientTokenId",
                        "MissingAuthenticationTokenException": "MissingAuthenticationToken",
                        "IncompleteSignatureException": "IncompleteSignature"}.get(exc.code, exc.code)
                return self._xml_error(exc.status if exc.status != 400 or code != "SignatureDoesNotMatch" else 403,
                                       code, exc.message)
            status = 400 if svc == "logs" else exc.status
            return self._json_error(status, exc.code, exc.message, svc)
        service, region = auth["service"], auth["region"]
        self._service = service
        if service == "iam":
            if region != IAM_REGION.get(fake.partition, "us-east-1"):
                return self._xml_error(403, "SignatureDoesNotMatch",
                                       "Credential should be scoped to a valid region, not '%s'. " % region)
        elif service in ("lambda", "logs", "apigateway", "ecr") and region != fake.region:
            return self._json_error(400 if service == "logs" else 403, "InvalidSignatureException",
                                    "Credential should be scoped to a valid region. ", service)
        if service == "lambda":
            return self._lambda(path, query, raw)
        if service == "apigateway":
            return self._apigateway(path, query, raw)
        if service == "ecr":
            target = self.headers.get("X-Amz-Target") or ""
            if not target.startswith("AmazonEC2ContainerRegistry_V20150921."):
                raise ApiError(400, "UnknownOperationException", "Unknown operation %s" % target)
            try:
                body = json.loads(raw.decode() or "{}")
            except ValueError:
                raise ApiError(400, "SerializationException", "Start of structure or map found where not expected.")
            return self._send(200, fake.ecr_call(target.split(".", 1)[1], body), content_type="application/x-amz-json-1.1")
        if service == "logs":
            target = self.headers.get("X-Amz-Target") or ""
            if not target.startswith("Logs_20140328."):
                raise ApiError(400, "UnknownOperationException", "Unknown operation %s" % target)
            try:
                body = json.loads(raw.decode() or "{}")
            except ValueError:
                raise ApiError(400, "SerializationException", "Start of structure or map found where not expected.")
            return self._send(200, fake.logs_call(target, body), content_type="application/x-amz-json-1.1")
        if service in ("iam", "sts"):
            if self.command == "POST":
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ctype != "application/x-www-form-urlencoded":
                    raise ApiError(400, "InvalidAction", "Expected a form-encoded body (Content-Type %s)" % ctype)
                params = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            else:
                params = dict(parse_qsl(query, keep_blank_values=True))
            if service == "iam":
                action, inner = fake.iam_call(params)
                ns = IAM_NS
            else:
                action, inner = fake.sts_call(params, auth["access_key"])
                ns = STS_NS
            rid = str(uuid.uuid4())
            return self._send(200, '<%sResponse xmlns="%s">%s<ResponseMetadata><RequestId>%s</RequestId>'
                              '</ResponseMetadata></%sResponse>' % (action, ns, inner, rid, action),
                              {"x-amzn-RequestId": rid}, "text/xml")
        raise ApiError(400, "UnknownOperationException", "The fake does not implement service '%s'" % service)

    def _lambda(self, path, query, raw):
        fake = self.fake
        for method, rx, op in LAMBDA_ROUTES:
            m = rx.match(path)
            if not m or method != self.command:
                continue
            q = dict(parse_qsl(query))
            body = {}
            if op in ("create", "update_config", "update_code", "add_permission") or (op == "url" and method in ("POST", "PUT")):
                if len(raw) > MAX_REQUEST:
                    raise ApiError(413, "RequestEntityTooLargeException",
                                   "Request must be smaller than %d bytes for the %s operation" % (MAX_REQUEST, op))
                try:
                    body = json.loads(raw.decode() or "{}")
                    if not isinstance(body, dict):
                        raise ValueError
                except ValueError:
                    raise ApiError(400, "SerializationException", "The request body is not a JSON object")
            name = m.group(1) if m.groups() else None
            if name is not None and q.get("Qualifier"):
                fake.function(name, q["Qualifier"])
            if op == "create":
                status, out = fake.create_function(body)
            elif op == "list":
                status, out = fake.list_functions(q)
            elif op == "get":
                status, out = fake.get_function(name)
            elif op == "get_config":
                with fake.lock:
                    status, out = 200, fake.public_config(fake.function(name))
            elif op == "delete":
                status, out = fake.delete_function(name)
            elif op == "update_config":
                status, out = fake.update_configuration(name, body)
            elif op == "update_code":
                status, out = fake.update_code(name, body)
            elif op == "add_permission":
                status, out = fake.add_permission(name, body)
            elif op == "get_policy":
                status, out = fake.get_policy(name)
            elif op == "remove_permission":
                status, out = fake.remove_permission(name, m.group(2))
            elif op == "url":
                status, out = fake.url_config(method, name, body)
            elif op == "invoke":
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                status, out_headers, payload = fake.invoke(name, hdrs, raw)
                return self._send(status, payload, out_headers)
            if out is None:
                return self._send(status, b"")
            return self._send(status, out)
        raise ApiError(404, "UnknownOperationException", "No Lambda operation matches %s %s" % (self.command, path))

    # -- API Gateway v2 (HTTP APIs): REST-JSON with lowerCamel members, SigV4 service "apigateway" ------------------
    def _apigateway(self, path, query, raw):
        fake = self.fake
        m = re.match(r"^/v2/apis/?$", path)
        if m and self.command == "POST":
            try:
                body = json.loads(raw.decode() or "{}")
            except ValueError:
                raise ApiError(400, "BadRequestException", "Invalid request body")
            name, proto = body.get("name"), body.get("protocolType")
            if not name or not proto:
                raise ApiError(400, "BadRequestException", "Invalid input: name and protocolType are required")
            if proto not in ("HTTP", "WEBSOCKET"):
                raise ApiError(400, "BadRequestException", "Invalid protocolType %s" % proto)
            target = body.get("target")
            if target:
                if proto != "HTTP":
                    raise ApiError(400, "BadRequestException", "Quick create (target) is only supported for HTTP APIs")
                with fake.lock:
                    fake.function(target)   # a quick-create target must be a function that exists
            api_id = uuid.uuid4().hex[:10]
            api = {"apiId": api_id, "name": name, "protocolType": proto,
                   "apiEndpoint": "http://127.0.0.1:%d/apigw/%s" % (fake.port, api_id),
                   "routeSelectionExpression": "$request.method $request.path", "apiKeySelectionExpression": "$request.header.x-api-key",
                   "createdDate": iso_z(), "disableExecuteApiEndpoint": False, "tags": {}}
            with fake.lock:
                fake.apis[api_id] = dict(api, target=target)
            return self._send(201, api)
        if m and self.command == "GET":
            q = dict(parse_qsl(query))
            with fake.lock:
                items = [{k: v for k, v in a.items() if k != "target"} for _, a in sorted(fake.apis.items())]
            start = int(q.get("nextToken") or 0)
            size = int(q.get("maxResults") or 100)
            out = {"items": items[start:start + size]}
            if start + size < len(items):
                out["nextToken"] = str(start + size)
            return self._send(200, out)
        m = re.match(r"^/v2/apis/([^/]+)/?$", path)
        if m:
            with fake.lock:
                api = fake.apis.get(m.group(1))
                if api is None:
                    raise ApiError(404, "NotFoundException", "Invalid API identifier specified %s:%s" % (fake.account, m.group(1)))
                if self.command == "GET":
                    return self._send(200, {k: v for k, v in api.items() if k != "target"})
                if self.command == "DELETE":
                    del fake.apis[m.group(1)]
                    return self._send(204, b"")
        raise ApiError(404, "NotFoundException", "No API Gateway v2 operation matches %s %s" % (self.command, path))

    def _http_api_invoke(self, path, query, raw):
        """execute-api: the $default route's Lambda proxy integration (payload 2.0); API Gateway needs the function's
        permission for apigateway.amazonaws.com from this API (SourceArn), else it answers 500."""
        fake = self.fake
        m = re.match(r"^/apigw/([^/]+)(/.*)?$", path)
        with fake.lock:
            api = fake.apis.get(m.group(1)) if m else None
            target = api and api.get("target")
            fn = None
            if target:
                try:
                    fn = fake.function(target)
                except ApiError:
                    fn = None
        if api is None:
            return self._send(404, {"message": "Not Found"})
        if fn is None:
            return self._send(500, {"message": "Internal Server Error"})
        source = "arn:%s:execute-api:%s:%s:%s/$default/%s%s" % (fake.partition, fake.region, fake.account, api["apiId"],
                                                              self.command, m.group(2) or "/")
        allowed = False
        for st in fn.policy:
            if st.get("Principal") == {"Service": "apigateway.amazonaws.com"} and st.get("Action") in ("lambda:InvokeFunction", "lambda:*"):
                pattern = st.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
                if pattern is None or re.match("^" + re.escape(pattern).replace("\\*", ".*") + "$", source):
                    allowed = True
        if not allowed:
            return self._send(500, {"message": "Internal Server Error"})
        try:
            fake._throttle()
        except ApiError:
            return self._send(429, {"message": "Too Many Requests"})
        try:
            return self._function_url_invoke(fn, "/lambda-url/%s%s" % (fn.name, m.group(2) or "/"), query, raw,
                                             api_id=api["apiId"], error_body={"message": "Internal Server Error"})
        finally:
            fake._release_slot()

    def _function_url(self, path, query, raw):
        fake = self.fake
        m = re.match(r"^/lambda-url/([^/]+)(/.*)?$", path)
        forbidden = lambda: self._send(403, {"Message": "Forbidden"})  # noqa: E731
        with fake.lock:
            fn = fake.functions.get(m.group(1)) if m else None
            url = fn.url if fn else None
        if fn is None or url is None:
            return self._send(404, {"Message": None})
        if url["AuthType"] == "AWS_IAM":
            try:
                auth = sigv4.verify(self.command, path, query, list(self.headers.items()), raw, fake.credentials)
                if auth["service"] != "lambda":
                    return forbidden()
            except sigv4.AuthError:
                return forbidden()
        elif not fake.url_allowed(fn) or time.time() < fn.url_permission_at + fake.url_permission_delay:
            return forbidden()   # no public permission, or one that has not propagated yet
        try:
            fake._throttle()
        except ApiError:
            return self._send(429, {"Message": "Rate Exceeded."})
        try:
            return self._function_url_invoke(fn, path, query, raw)
        finally:
            fake._release_slot()

    def _function_url_invoke(self, fn, path, query, raw, api_id=None, error_body=None):
        fake = self.fake
        m = re.match(r"^/lambda-url/([^/]+)(/.*)?$", path)
        ctype = (self.headers.get("Content-Type") or "").lower()
        textual = (not ctype or ctype.startswith("text/") or "json" in ctype or "xml" in ctype
                   or "x-www-form-urlencoded" in ctype or "javascript" in ctype)
        try:
            text = raw.decode("utf-8") if textual else None
        except UnicodeDecodeError:
            text = None
        hdrs = {}
        for k, v in self.headers.items():
            k = k.lower()
            hdrs[k] = hdrs[k] + "," + v if k in hdrs else v
        raw_path = (m.group(2) or "/")
        t = time.time()
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": raw_path, "rawQueryString": query,
            "headers": hdrs,
            "requestContext": {
                "accountId": "anonymous", "apiId": fn.name, "domainName": self.headers.get("Host", ""),
                "domainPrefix": fn.name,
                "http": {"method": self.command, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                         "userAgent": self.headers.get("User-Agent", "")},
                "routeKey": "$default", "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t)), "timeEpoch": int(t * 1000),
            },
            "isBase64Encoded": text is None,
        }
        if query:
            event["queryStringParameters"] = dict(parse_qsl(query, keep_blank_values=True))
        if raw:
            event["body"] = text if text is not None else base64.b64encode(raw).decode()
        try:
            fake._acquire_check(fn)
        except ApiError:
            return self._send(503, {"Message": "Service Unavailable"})
        # requestContext.requestId is the Lambda request id (context.aws_request_id), as on AWS.
        request_id = str(uuid.uuid4())
        event["requestContext"]["requestId"] = request_id
        if api_id:
            event["requestContext"]["apiId"] = api_id
            event["requestContext"]["domainName"] = "%s.execute-api.%s.amazonaws.com" % (api_id, fake.region)
        request_id, res, _tail = fake.run(fn, event, request_id)
        if not res["ok"]:
            # A failed integration: Function URLs answer 502, HTTP APIs 500 (both with a generic message).
            if error_body is not None:
                return self._send(500, error_body, {"apigw-requestid": request_id})
            return self._send(502, {"Message": "Internal Server Error"}, {"x-amzn-RequestId": request_id})
        value = res["value"]
        if isinstance(value, dict) and "statusCode" in value:
            status = int(value.get("statusCode") or 200)
            headers = {str(k): str(v) for k, v in (value.get("headers") or {}).items()}
            body = value.get("body", "")
            if body is None:
                body = ""
            if not isinstance(body, str):
                body = json.dumps(body)
            data = base64.b64decode(body) if value.get("isBase64Encoded") else body.encode()
            headers.setdefault("x-amzn-RequestId", request_id)
            ctype_out = headers.pop("Content-Type", None) or headers.pop("content-type", None) or "application/json"
            return self._send(status, data, headers, ctype_out)
        return self._send(200, json.dumps(value).encode(), {"x-amzn-RequestId": request_id})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--access-key", default="AKIDSEBSTEST")
    p.add_argument("--secret-key", default="sebs-test-secret")
    p.add_argument("--credentials", action="append", help="extra AK:SECRET[:SESSION_TOKEN]")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--account", default="123456789012")
    p.add_argument("--function-env", action="append", help="K=V added to every function's environment")
    p.add_argument("--role", action="append", help="pre-create an IAM role (Lambda trust policy) with this name")
    p.add_argument("--python", default="python3")
    p.add_argument("--node", default="node")
    p.add_argument("--state-delay", type=float, default=0.3)
    p.add_argument("--s3-endpoint", help="S3-compatible endpoint to fetch S3Bucket/S3Key code from")
    p.add_argument("--s3-access-key")
    p.add_argument("--s3-secret-key")
    p.add_argument("--partition", default="aws", choices=["aws", "aws-cn", "aws-us-gov"])
    p.add_argument("--today", help="YYYY-MM-DD the runtime blocks are judged by (default: today)")
    p.add_argument("--concurrency-limit", type=int, help="account concurrency: invocations beyond it get 429")
    p.add_argument("--other-account", action="append", help="AK=ACCOUNT: STS names this account for that key")
    p.add_argument("--registry", help="host:port of the OCI registry behind ECR (Debian's docker-registry)")
    p.add_argument("--log")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    args = p.parse_args(argv)
    fake = FakeAws(args)
    Handler.fake = fake
    server = Server(("127.0.0.1", args.port), Handler)
    fake.port = server.server_address[1]

    def stop(*_):
        fake.shutdown()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_on_stdin_eof:
        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            stop()
        threading.Thread(target=watch, daemon=True).start()
    sys.stdout.write("READY %d\n" % fake.port)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        fake.shutdown()


if __name__ == "__main__":
    main()
