#!/usr/bin/env python3
"""A fake Google Cloud for tests: the OAuth 2.0 token endpoint (JWT-bearer grant, RS256 checked against the service
account's public key), Cloud Functions v2 (generateUploadUrl, the signed upload, functions and long-running
operations), Cloud Run v2 (services, IAM policies, the functions' HTTPS endpoints, which run the deployed source in
worker processes), Cloud Logging v2 (entries:list over the request log), Firestore Admin v1 (databases), Datastore v1
(commit / lookup / runQuery), Cloud Storage's JSON API and the metadata server (tokens for the functions), on one
HTTP endpoint at 127.0.0.1. Standard library only. See README.md next to this file.

Prints "READY <port>" on stdout once it listens.
"""
import argparse
import base64
import binascii
import datetime
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rs256  # noqa: E402

SCOPE = "https://www.googleapis.com/auth/cloud-platform"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
FUNCTION_ID = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")
ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_ENV = {"PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"}
DATABASE_ID = re.compile(r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")
# Cloud Run functions runtime ids (docs: runtime support schedule); decommissioned ones refuse new deployments.
RUNTIMES = {"python310", "python311", "python312", "python313", "python314", "nodejs18", "nodejs20", "nodejs22", "nodejs24"}
DECOMMISSIONED = {"nodejs18": "2025-10-30", "nodejs20": "2026-10-30", "python37": "2024-01-30", "python38": "2025-10-14",
                  "python39": "2026-04-05"}
LOG_PAGE_MAX = 50  # the API may return fewer entries than pageSize; small here so that paging is exercised


def rfc3339(ts=None):
    d = datetime.datetime.fromtimestamp(time.time() if ts is None else ts, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % d.microsecond


def parse_time(text):
    text = text.strip().strip('"')
    m = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$", text)
    if not m:
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid timestamp: %s" % text)
    base = datetime.datetime.strptime(m.group(1) + "T" + m.group(2), "%Y-%m-%dT%H:%M:%S")
    offset = datetime.timedelta(0)
    if m.group(4) != "Z":
        sign = 1 if m.group(4)[0] == "+" else -1
        hh, mm = m.group(4)[1:].split(":")
        offset = sign * datetime.timedelta(hours=int(hh), minutes=int(mm))
    frac = float(m.group(3)) if m.group(3) else 0.0
    return (base - offset).replace(tzinfo=datetime.timezone.utc).timestamp() + frac


class ApiError(Exception):
    """A Google API error: {"error": {"code", "message", "status"}}."""

    def __init__(self, code, status, message, headers=None):
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers or {}


def not_found(what):
    return ApiError(404, "NOT_FOUND", "Resource '%s' was not found" % what)


def crc32c(data):
    crc = 0xFFFFFFFF
    table = CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _crc_table():
    poly = 0x82F63B78
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc_table()


def memory_bytes(text):
    m = re.match(r"^(\d+(?:\.\d+)?)(k|M|G|Mi|Gi)?$", str(text))
    if not m:
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid value specified for container memory: '%s'. Units: k, M, G, Mi, Gi." % text)
    unit = {None: 1, "k": 1000, "M": 1000 ** 2, "G": 1000 ** 3, "Mi": 1024 ** 2, "Gi": 1024 ** 3}[m.group(2)]
    return float(m.group(1)) * unit


# ----------------------------------------------------------------------------------------------------------------
# Cloud Run: revisions and their instances (worker processes)
# ----------------------------------------------------------------------------------------------------------------
class Instance:
    """One instance of a revision: a worker process that handles one request at a time."""

    def __init__(self, fake, service, revision):
        self.fake = fake
        self.revision = revision
        self.id = secrets.token_hex(16)
        self.busy = False
        self.lock = threading.Lock()
        self.tmp = tempfile.mkdtemp(prefix="instance-", dir=fake.workdir)
        runtime = revision["runtime"]
        env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL") if k in os.environ}
        env.update(revision["env"])
        env.update(fake.function_env)
        env.update({"PORT": "8080", "K_SERVICE": service["id"], "K_REVISION": revision["name"],
                    "K_CONFIGURATION": service["id"], "FUNCTION_TARGET": revision["entryPoint"],
                    "FUNCTION_SIGNATURE_TYPE": "http", "TMPDIR": self.tmp, "TMP": self.tmp, "TEMP": self.tmp,
                    "GCE_METADATA_HOST": "127.0.0.1:%d" % fake.port})
        # The instance reaches this fake's GCS and Datastore through the emulator variables the client libraries read.
        env.setdefault("STORAGE_EMULATOR_HOST", "http://127.0.0.1:%d" % fake.port)
        env.setdefault("DATASTORE_EMULATOR_HOST", "127.0.0.1:%d" % fake.port)
        r, w = os.pipe()
        env["_FAKE_GCP_RESULT_FD"] = str(w)
        if runtime.startswith("python"):
            cmd = [fake.python, os.path.join(HERE, "worker.py")]
        else:
            cmd = [fake.node, os.path.join(HERE, "worker.js")]
        self.proc = subprocess.Popen(cmd, cwd=revision["code"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, pass_fds=(w,), text=True, bufsize=1)
        os.close(w)
        self.results = os.fdopen(r, "r", buffering=1)
        for stream, name in ((self.proc.stdout, "stdout"), (self.proc.stderr, "stderr")):
            threading.Thread(target=self._pump, args=(stream, name, service), daemon=True).start()
        ready = self._read(timeout=30)
        if ready is None or ready.get("type") != "ready":
            self.kill()
            raise RuntimeError("the instance did not start")
        self.init_error = ready.get("error")

    def _pump(self, stream, name, service):
        for line in stream:
            self.fake.logs.append({
                "logName": "projects/%s/logs/run.googleapis.com%%2F%s" % (self.fake.project, name),
                "resource": self.fake.resource(service, self.revision),
                "textPayload": line.rstrip("\n"), "severity": "DEFAULT" if name == "stdout" else "ERROR",
                "labels": {"instanceId": self.id}})

    def _read(self, timeout):
        result = {}

        def read():
            line = self.results.readline()
            result["line"] = line

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        if t.is_alive() or not result.get("line"):
            return None
        return json.loads(result["line"])

    def handle(self, request, timeout):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read(timeout)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        try:
            self.proc.kill()
            self.proc.wait(5)
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


class LogStore:
    def __init__(self, delay):
        self.lock = threading.Lock()
        self.entries = []
        self.delay = delay

    def append(self, entry):
        now = time.time()
        entry.setdefault("timestamp", rfc3339(now))
        entry.setdefault("insertId", secrets.token_hex(8))
        # Cloud Logging lags: an entry is listed only once received (receiveTimestamp), --log-delay s later.
        entry["receiveTimestamp"] = rfc3339(now + self.delay)
        entry["_visible"] = now + self.delay
        with self.lock:
            self.entries.append(entry)

    def visible(self):
        now = time.time()
        with self.lock:
            out = [e for e in self.entries if e["_visible"] <= now]
        out.sort(key=lambda e: (parse_time(e["timestamp"]), e["insertId"]))
        return [{k: v for k, v in e.items() if k != "_visible"} for e in out]


# ----------------------------------------------------------------------------------------------------------------
# The Cloud Logging filter language, the part SeBS and Sebs use: comparisons joined by AND (or juxtaposition)
# ----------------------------------------------------------------------------------------------------------------
TERM = re.compile(r'\s*(?:(AND)\b|([A-Za-z_][\w.]*)\s*(>=|<=|!=|=|>|<|:)\s*("(?:[^"\\]|\\.)*"|[^\s"()]+))\s*')


def parse_filter(text):
    terms, pos = [], 0
    text = text or ""
    while pos < len(text):
        m = TERM.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ApiError(400, "INVALID_ARGUMENT", "Unparseable filter: syntax error at line 1, column %d, token '%s'"
                           % (pos, text[pos:pos + 10].strip()))
        if m.group(2):
            value = m.group(4)
            if value.startswith('"'):
                value = json.loads(value)
            terms.append((m.group(2), m.group(3), value))
        pos = m.end()
    return terms


def field(entry, path):
    value = entry
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def matches(entry, terms):
    for name, op, value in terms:
        actual = field(entry, name)
        if actual is None:
            return False
        if name in ("timestamp", "receiveTimestamp"):
            a, v = parse_time(actual), parse_time(value)
        else:
            a, v = str(actual), str(value)
        ok = {"=": a == v, "!=": a != v, ">=": a >= v, "<=": a <= v, ">": a > v, "<": a < v,
              ":": str(v) in str(a)}[op]
        if not ok:
            return False
    return True


# ----------------------------------------------------------------------------------------------------------------
# The fake
# ----------------------------------------------------------------------------------------------------------------
class Fake:
    def __init__(self, args):
        self.args = args
        self.project = args.project
        self.project_number = str(args.project_number)
        self.client_email = args.client_email
        self.key_id = args.key_id
        with open(args.public_key) as f:
            self.public_key = rs256.public_key_from_pem(f.read())
        self.python = args.python
        self.node = args.node
        self.delay = args.operation_delay
        self.serve_delay = args.serve_delay
        self.function_env = dict(e.split("=", 1) for e in args.function_env)
        self.workdir = tempfile.mkdtemp(prefix="fake-gcp-")
        self.lock = threading.RLock()
        self.tokens = {}          # access token -> (expiry, principal)
        self.uploads = {}         # upload id -> {"bucket", "object", "data"}
        self.functions = {}       # full name -> function resource (+ private keys starting with "_")
        self.services = {}        # full service name -> service record
        self.operations = {}      # name -> operation
        self.databases = {}       # name -> database
        self.entities = {}        # database name -> {key tuple: entity}
        self.buckets = {}         # name -> {"meta", "objects": {name: {"meta", "data"}}}
        self.resumable = {}       # upload_id -> {"bucket", "name", "meta", "data", "total"}
        self.logs = LogStore(args.log_delay)
        self.quota_errors = args.logging_quota_errors
        self.throttled = 0        # Cloud Functions API calls still to answer 429 with Retry-After (POST /__fake/throttle)
        self.requests = []        # (method, path, status) for the inspection view
        self.port = 0

    # -- auth ----------------------------------------------------------------------------------------------------
    def issue_token(self, principal):
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = (time.time() + 3600, principal)
        return token

    def oauth_token(self, form):
        def fail(error, description):
            return 400, {"error": error, "error_description": description}
        if form.get("grant_type") != JWT_BEARER:
            return fail("unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type"))
        try:
            header, claims = rs256.verify_jwt(form.get("assertion", ""), self.public_key)
        except (ValueError, binascii.Error, json.JSONDecodeError) as exc:
            return fail("invalid_grant", str(exc))
        if self.key_id and header.get("kid") not in (None, self.key_id):
            return fail("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        if claims.get("iss") != self.client_email:
            return fail("invalid_grant", "Invalid issuer: %s" % claims.get("iss"))
        # Google's token service wants its own URL as the audience (the client libraries send it whatever token_uri is).
        if claims.get("aud") not in ("https://oauth2.googleapis.com/token", "http://127.0.0.1:%d/token" % self.port):
            return fail("invalid_grant", "Invalid JWT: audience must be the token endpoint, not %s" % claims.get("aud"))
        if not isinstance(claims.get("iat"), (int, float)) or not isinstance(claims.get("exp"), (int, float)):
            return fail("invalid_grant", "Invalid JWT: iat and exp are required")
        if claims["exp"] < now or claims["iat"] > now + 300 or claims["exp"] - claims["iat"] > 3600:
            return fail("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        if SCOPE not in str(claims.get("scope", "")).split():
            return fail("invalid_scope", "The cloud-platform scope is required here, not %r" % claims.get("scope"))
        return 200, {"access_token": self.issue_token("serviceAccount:" + self.client_email), "expires_in": 3599,
                     "token_type": "Bearer"}

    def authenticate(self, headers):
        value = headers.get("Authorization", "")
        if not value.startswith("Bearer "):
            raise ApiError(401, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential.")
        token = value[7:]
        if token.count(".") == 2 and not token.startswith("ya29."):
            return self.self_signed(token)
        with self.lock:
            entry = self.tokens.get(token)
        if entry is None or entry[0] < time.time():
            raise ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access "
                           "token, login cookie or other valid authentication credential.")
        return entry[1]

    def self_signed(self, token):
        """A self-signed JWT of the service account used as the access token (AIP-4111; GAX clients send these)."""
        def refuse(why):
            return ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials: %s" % why)
        try:
            header, claims = rs256.verify_jwt(token, self.public_key)
        except (ValueError, binascii.Error, json.JSONDecodeError) as exc:
            raise refuse(str(exc))
        if self.key_id and header.get("kid") != self.key_id:
            raise refuse("unknown key id %r" % header.get("kid"))
        if claims.get("iss") != self.client_email or claims.get("sub", claims.get("iss")) != self.client_email:
            raise refuse("the JWT's issuer is not the service account")
        now = time.time()
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < now or claims.get("iat", now) > now + 300:
            raise refuse("the JWT has expired")
        if SCOPE not in str(claims.get("scope", "")).split() and not str(claims.get("aud", "")).startswith("https://"):
            raise refuse("the JWT names neither a scope nor an API audience")
        return "serviceAccount:" + self.client_email

    def check_project(self, project):
        if project not in (self.project, self.project_number):
            raise ApiError(403, "PERMISSION_DENIED", "Permission denied on resource project %s." % project)

    # -- operations ----------------------------------------------------------------------------------------------
    def operation(self, parent, verb, target, finish, api="functions"):
        """A long-running operation that runs finish() after --operation-delay s and records its result or error."""
        if api == "functions":
            name = "%s/operations/operation-%d-%s" % (parent, int(time.time() * 1000), secrets.token_hex(6))
            meta = {"@type": "type.googleapis.com/google.cloud.functions.v2.OperationMetadata", "createTime": rfc3339(),
                    "target": target, "verb": verb, "cancelRequested": False, "apiVersion": "v2",
                    "stages": [{"name": "BUILD", "state": "IN_PROGRESS"}, {"name": "SERVICE", "state": "NOT_STARTED"}]}
        else:
            name = "%s/operations/%s" % (target, uuid.uuid4())
            meta = {"@type": "type.googleapis.com/google.firestore.admin.v1.CreateDatabaseMetadata"}
        op = {"name": name, "metadata": meta, "done": False}
        with self.lock:
            self.operations[name] = op

        def run():
            time.sleep(self.delay)
            try:
                response = finish()
                with self.lock:
                    op["response"] = response
            except ApiError as exc:
                with self.lock:
                    op["error"] = {"code": {400: 3, 404: 5, 409: 6, 412: 9}.get(exc.code, 13), "message": exc.message}
            except Exception as exc:  # noqa: BLE001
                with self.lock:
                    op["error"] = {"code": 13, "message": "internal: %s" % exc}
            with self.lock:
                if "stages" in op["metadata"]:
                    for s in op["metadata"]["stages"]:
                        s["state"] = "COMPLETE"
                op["done"] = True
        threading.Thread(target=run, daemon=True).start()
        return dict(op)

    def get_operation(self, name):
        with self.lock:
            op = self.operations.get(name)
            if op is None:
                raise not_found(name)
            return json.loads(json.dumps(op))

    # -- Cloud Functions v2 --------------------------------------------------------------------------------------
    def generate_upload_url(self, project, region, body):
        if body.get("environment", "GEN_2") not in ("GEN_1", "GEN_2"):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid value at 'environment'")
        upload_id = secrets.token_hex(12)
        obj = "%s.zip" % uuid.uuid4()
        bucket = "gcf-v2-uploads-%s.%s.cloudfunctions.appspot.com" % (self.project_number, region)
        with self.lock:
            self.uploads[upload_id] = {"bucket": bucket, "object": obj, "data": None}
        expires = int(time.time()) + 1800
        url = ("http://127.0.0.1:%d/__upload/%s/%s?GoogleAccessId=service-%s%%40gcf-admin-robot.iam.gserviceaccount.com"
               "&Expires=%d&Signature=%s" % (self.port, bucket, upload_id, self.project_number, expires,
                                             quote(base64.b64encode(secrets.token_bytes(64)).decode(), safe="")))
        return {"uploadUrl": url, "storageSource": {"bucket": bucket, "object": obj}}

    def signed_upload(self, upload_id, headers, query, data):
        with self.lock:
            upload = self.uploads.get(upload_id)
        if upload is None or int(query.get("Expires", ["0"])[0]) < time.time():
            return 400, "application/xml", "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"
        if "Authorization" in headers:
            # A signed URL carries its own credentials; the Authorization header of an OAuth client is refused.
            return 400, "application/xml", ("<Error><Code>InvalidArgument</Code><Message>A request cannot carry both a "
                                            "signed URL and an Authorization header.</Message></Error>")
        if headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/zip":
            # The content type is part of what generateUploadUrl signed.
            return 403, "application/xml", ("<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                                            "calculated does not match the signature you provided (content-type must be "
                                            "application/zip).</Message></Error>")
        with self.lock:
            upload["data"] = data
        return 200, "text/plain", ""

    def _source(self, storage_source):
        with self.lock:
            for u in self.uploads.values():
                if u["bucket"] == storage_source.get("bucket") and u["object"] == storage_source.get("object"):
                    if u["data"] is None:
                        raise ApiError(400, "INVALID_ARGUMENT", "Source object gs://%s/%s does not exist." % (u["bucket"], u["object"]))
                    return u["data"]
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid source: gs://%s/%s is not an uploaded source archive."
                       % (storage_source.get("bucket"), storage_source.get("object")))

    def _validate(self, fn):
        build, svc = fn.get("buildConfig") or {}, fn.get("serviceConfig") or {}
        runtime = build.get("runtime")
        if runtime in DECOMMISSIONED:
            raise ApiError(400, "FAILED_PRECONDITION", "Runtime %s is decommissioned since %s and can no longer be used for "
                           "deployments." % (runtime, DECOMMISSIONED[runtime]))
        if runtime not in RUNTIMES:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid value for buildConfig.runtime: %r." % runtime)
        if not (build.get("source") or {}).get("storageSource"):
            raise ApiError(400, "INVALID_ARGUMENT", "buildConfig.source is required.")
        mem = memory_bytes(svc.get("availableMemory", "256M"))
        if mem < 128 * 1024 ** 2 or mem > 32 * 1024 ** 3:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid value specified for container memory: %s. It must be between "
                           "128Mi and 32Gi." % svc.get("availableMemory"))
        try:
            cpu = float(svc.get("availableCpu") or (1 if mem > 1024 ** 3 else 0.1666))
        except ValueError:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid value specified for cpu: %r." % svc.get("availableCpu"))
        concurrency = int(svc.get("maxInstanceRequestConcurrency", 1))
        if concurrency < 1 or concurrency > 1000:
            raise ApiError(400, "INVALID_ARGUMENT", "maxInstanceRequestConcurrency must be between 1 and 1000.")
        if concurrency > 1 and cpu < 1:
            raise ApiError(400, "INVALID_ARGUMENT", "Could not update Cloud Run service. spec.template.spec.containers"
                           "[0].resources.limits.cpu: Invalid value specified for cpu. Total cpu < 1 is not supported "
                           "with concurrency > 1.")
        timeout = int(svc.get("timeoutSeconds", 60))
        if timeout < 1 or timeout > 3600:
            raise ApiError(400, "INVALID_ARGUMENT", "timeoutSeconds must be between 1 and 3600 for HTTP functions.")
        if int(svc.get("minInstanceCount", 0)) > int(svc.get("maxInstanceCount", 100)):
            raise ApiError(400, "INVALID_ARGUMENT", "minInstanceCount cannot exceed maxInstanceCount.")
        for key, value in (svc.get("environmentVariables") or {}).items():
            if not ENV_KEY.match(key) or key in RESERVED_ENV or key.startswith("X_GOOGLE_"):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid environment variable name: %s (reserved or not a valid "
                               "name)." % key)
            if not isinstance(value, str):
                raise ApiError(400, "INVALID_ARGUMENT", "Environment variable %s must be a string." % key)
        if svc.get("ingressSettings", "ALLOW_ALL") not in ("ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid ingressSettings.")

    def create_function(self, project, region, function_id, body):
        parent = "projects/%s/locations/%s" % (project, region)
        if not function_id or not FUNCTION_ID.match(function_id):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid function id '%s': it must be 1-63 lowercase letters, digits or "
                           "hyphens, start with a letter and not end with a hyphen." % function_id)
        name = "%s/functions/%s" % (parent, function_id)
        if body.get("name") not in (None, "", name):
            raise ApiError(400, "INVALID_ARGUMENT", "The function name %s does not match functionId." % body.get("name"))
        self._validate(body)
        with self.lock:
            if name in self.functions:
                raise ApiError(409, "ALREADY_EXISTS", "Resource '%s' already exists" % name)
            fn = {"name": name, "environment": body.get("environment", "GEN_2"), "state": "DEPLOYING",
                  "buildConfig": json.loads(json.dumps(body["buildConfig"])),
                  "serviceConfig": json.loads(json.dumps(body.get("serviceConfig") or {})),
                  "createTime": rfc3339(), "updateTime": rfc3339(), "_busy": True}
            fn["buildConfig"].setdefault("entryPoint", function_id)
            self.functions[name] = fn
        return self.operation(parent, "create", name, lambda: self._deploy(name, True))

    def _deploy(self, name, build):
        """Builds (unzips and checks the source) and rolls out a new revision of the function's service."""
        with self.lock:
            fn = self.functions[name]
            spec = json.loads(json.dumps({k: v for k, v in fn.items() if not k.startswith("_")}))
        function_id = name.rsplit("/", 1)[1]
        project, region = name.split("/")[1], name.split("/")[3]
        service_name = "projects/%s/locations/%s/services/%s" % (project, region, function_id)
        try:
            code = self._build(spec) if build else fn["_code"]
        except ApiError as exc:
            with self.lock:
                fn["state"] = "FAILED"
                fn["stateMessages"] = [{"severity": "ERROR", "type": "BuildFailed", "message": exc.message}]
                fn["_busy"] = False
            raise
        svc = spec["serviceConfig"]
        with self.lock:
            service = self.services.get(service_name)
            if service is None:
                service = {"name": service_name, "id": function_id, "uid": str(uuid.uuid4()), "generation": 0,
                           "revisions": [], "serving": None, "policy": {"version": 1, "etag": self._etag()},
                           "createTime": rfc3339()}
                self.services[service_name] = service
            service["generation"] += 1
            revision = {"name": "%s-%05d-%s" % (function_id, service["generation"],
                                                "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))),
                        "code": code, "runtime": spec["buildConfig"]["runtime"],
                        "entryPoint": spec["buildConfig"]["entryPoint"],
                        "env": dict(svc.get("environmentVariables") or {}),
                        "timeout": int(svc.get("timeoutSeconds", 60)), "max": int(svc.get("maxInstanceCount", 100)),
                        "memory": svc.get("availableMemory", "256M"), "instances": [], "ready": False}
            service["revisions"].append(revision)
            service["latest"] = revision
        # The revision is ready (functions ACTIVE); Cloud Run moves traffic to it --serve-delay s later, so requests
        # sent right after the operation may still reach the previous revision's warm instances.
        with self.lock:
            revision["ready"] = True
            fn["_code"] = code
            fn["state"] = "ACTIVE"
            fn.pop("stateMessages", None)
            fn["updateTime"] = rfc3339()
            svc["service"] = service_name
            svc["revision"] = revision["name"]
            svc["uri"] = "http://127.0.0.1:%d/__run/%s" % (self.port, function_id)
            svc.setdefault("serviceAccountEmail", "%s-compute@developer.gserviceaccount.com" % self.project_number)
            fn["serviceConfig"].update({k: svc[k] for k in ("service", "revision", "uri", "serviceAccountEmail")})
            fn["url"] = "https://%s-%s.cloudfunctions.net/%s" % (region, project, function_id)
            fn["_busy"] = False
            previous = service["serving"]
        if previous is None or self.serve_delay <= 0:
            self._route(service, revision)
        else:
            threading.Timer(self.serve_delay, self._route, args=(service, revision)).start()
        with self.lock:
            out = {k: v for k, v in fn.items() if not k.startswith("_")}
        out = json.loads(json.dumps(out))
        out["@type"] = "type.googleapis.com/google.cloud.functions.v2.Function"
        return out

    def _route(self, service, revision):
        with self.lock:
            if service.get("latest") is not revision:
                return
            old = [r for r in service["revisions"] if r is not revision]
            service["serving"] = revision
            service["revisions"] = [revision]
        for r in old:
            for inst in r["instances"]:
                inst.kill()

    def _build(self, spec):
        data = self._source(spec["buildConfig"]["source"]["storageSource"])
        code = tempfile.mkdtemp(prefix="code-", dir=self.workdir)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                z.extractall(code)
        except zipfile.BadZipFile:
            raise ApiError(400, "INVALID_ARGUMENT", "Build failed: the source archive is not a zip file.")
        runtime = spec["buildConfig"]["runtime"]
        if runtime.startswith("python") and not os.path.exists(os.path.join(code, "main.py")):
            raise ApiError(400, "INVALID_ARGUMENT", "Build failed: missing main.py (the Python runtime loads the entry "
                           "point from main.py).")
        if runtime.startswith("nodejs"):
            main = "index.js"
            pj = os.path.join(code, "package.json")
            if os.path.exists(pj):
                with open(pj) as f:
                    main = json.load(f).get("main", "index.js")
            if not os.path.exists(os.path.join(code, main)):
                raise ApiError(400, "INVALID_ARGUMENT", "Build failed: %s, the package's main module, does not exist." % main)
        return code

    def get_function(self, name):
        with self.lock:
            fn = self.functions.get(name)
            if fn is None:
                raise not_found(name)
            return json.loads(json.dumps({k: v for k, v in fn.items() if not k.startswith("_")}))

    def list_functions(self, parent, query):
        with self.lock:
            names = sorted(n for n in self.functions if n.startswith(parent + "/functions/"))
        size = min(int(query.get("pageSize", ["100"])[0] or 100), 100)
        start = int(query.get("pageToken", ["0"])[0] or 0)
        page = names[start:start + size]
        out = {"functions": [self.get_function(n) for n in page]}
        if start + size < len(names):
            out["nextPageToken"] = str(start + size)
        return out

    def patch_function(self, name, query, body):
        mask = [m for m in (query.get("updateMask", [""])[0]).split(",") if m]
        with self.lock:
            fn = self.functions.get(name)
            if fn is None:
                raise not_found(name)
            if fn.get("_busy"):
                raise ApiError(409, "ABORTED", "An operation on function %s is already in progress. Please try again later." % name)
            updated = json.loads(json.dumps({k: v for k, v in fn.items() if not k.startswith("_")}))
        if not mask:
            for key in ("buildConfig", "serviceConfig", "labels", "description"):
                if key in body:
                    updated[key] = body[key]
        for path in mask:
            top = path.split(".")[0]
            if top not in ("buildConfig", "serviceConfig", "labels", "description", "eventTrigger"):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid update mask path: %s" % path)
            src, dst = body, updated
            parts = path.split(".")
            for p in parts[:-1]:
                src = (src or {}).get(p) if isinstance(src, dict) else None
                dst = dst.setdefault(p, {})
            if isinstance(src, dict) and parts[-1] in src:
                dst[parts[-1]] = json.loads(json.dumps(src[parts[-1]]))
            else:
                dst.pop(parts[-1], None)
        self._validate(updated)
        build = not mask or any(p.startswith("buildConfig") for p in mask)
        with self.lock:
            # Cloud Run makes a revision for a changed configuration only: an update that changes nothing (no build,
            # the same service configuration) completes and leaves the serving revision as it is.
            revise = build or self._settings(updated) != self._settings(fn)
            for key in ("buildConfig", "serviceConfig", "labels", "description"):
                if key in updated:
                    fn[key] = updated[key]
            fn["state"] = "DEPLOYING"
            fn["_busy"] = True
        parent = name.rsplit("/functions/", 1)[0]
        return self.operation(parent, "update", name, (lambda: self._deploy(name, build)) if revise else (lambda: self._settle(name)))

    @staticmethod
    def _settings(fn):
        """What a revision is made from: the function's fields without those the deployment fills in."""
        out = {k: json.loads(json.dumps(fn.get(k))) for k in ("buildConfig", "serviceConfig", "labels", "description")}
        for k in ("service", "revision", "uri"):
            (out["serviceConfig"] or {}).pop(k, None)
        return out

    def _settle(self, name):
        """The end of an update that made no revision: the function is ACTIVE again on the revision it had."""
        with self.lock:
            fn = self.functions[name]
            fn["state"] = "ACTIVE"
            fn["updateTime"] = rfc3339()
            fn["_busy"] = False
            out = json.loads(json.dumps({k: v for k, v in fn.items() if not k.startswith("_")}))
        out["@type"] = "type.googleapis.com/google.cloud.functions.v2.Function"
        return out

    def delete_function(self, name):
        with self.lock:
            fn = self.functions.get(name)
            if fn is None:
                raise not_found(name)
            fn["state"] = "DELETING"
        parent = name.rsplit("/functions/", 1)[0]

        def finish():
            function_id = name.rsplit("/", 1)[1]
            with self.lock:
                self.functions.pop(name, None)
                service = self.services.pop("%s/services/%s" % (parent, function_id), None)
            for r in (service or {}).get("revisions", []):
                for inst in r["instances"]:
                    inst.kill()
            return {"@type": "type.googleapis.com/google.protobuf.Empty"}
        return self.operation(parent, "delete", name, finish)

    # -- Cloud Run v2 --------------------------------------------------------------------------------------------
    @staticmethod
    def _etag():
        return base64.b64encode(secrets.token_bytes(8)).decode()

    def _service(self, name):
        with self.lock:
            s = self.services.get(name)
        if s is None:
            raise not_found(name)
        return s

    def get_service(self, name):
        s = self._service(name)
        with self.lock:
            latest, serving = s.get("latest"), s.get("serving")
            prefix = name + "/revisions/"
            ready = serving is latest and latest is not None
            out = {"name": name, "uid": s["uid"], "generation": str(s["generation"]), "createTime": s["createTime"],
                   "uri": "http://127.0.0.1:%d/__run/%s" % (self.port, s["id"]), "ingress": "INGRESS_TRAFFIC_ALL",
                   "latestCreatedRevision": prefix + latest["name"] if latest else None,
                   "latestReadyRevision": prefix + latest["name"] if latest and latest["ready"] else (prefix + serving["name"] if serving else None),
                   "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
                   "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100,
                                        "revision": prefix + serving["name"]}] if serving else [],
                   "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED" if ready else "CONDITION_PENDING"},
                   "reconciling": not ready}
        return out

    def get_iam_policy(self, name):
        s = self._service(name)
        with self.lock:
            return json.loads(json.dumps(s["policy"]))

    def set_iam_policy(self, name, body):
        s = self._service(name)
        policy = body.get("policy")
        if not isinstance(policy, dict):
            raise ApiError(400, "INVALID_ARGUMENT", "policy is required")
        for b in policy.get("bindings", []):
            if not str(b.get("role", "")).startswith("roles/"):
                raise ApiError(400, "INVALID_ARGUMENT", "Role %s is not a valid role." % b.get("role"))
            for m in b.get("members", []):
                if m not in ("allUsers", "allAuthenticatedUsers") and not re.match(r"^(user|serviceAccount|group|domain):.+", m):
                    raise ApiError(400, "INVALID_ARGUMENT", "Invalid member: %s" % m)
        with self.lock:
            if policy.get("etag") and policy["etag"] != s["policy"]["etag"]:
                raise ApiError(409, "ABORTED", "There were concurrent policy changes. Please retry the whole "
                               "read-modify-write with exponential backoff.")
            new = {"version": policy.get("version", 1), "etag": self._etag()}
            if policy.get("bindings"):
                new["bindings"] = policy["bindings"]
            s["policy"] = new
            return json.loads(json.dumps(new))

    def public(self, service):
        for b in service["policy"].get("bindings", []):
            if b.get("role") == "roles/run.invoker" and "allUsers" in b.get("members", []):
                return True
        return False

    def invokers(self, service):
        return {m for b in service["policy"].get("bindings", []) if b.get("role") == "roles/run.invoker" for m in b.get("members", [])}

    def resource(self, service, revision):
        return {"type": "cloud_run_revision", "labels": {
            "service_name": service["id"], "revision_name": revision["name"], "configuration_name": service["id"],
            "location": service["name"].split("/")[3], "project_id": self.project}}

    def invoke(self, function_id, method, path, query, headers, body):
        """A request to a function's URI: Cloud Run's front end (IAM, routing, instances, timeout, request log)."""
        with self.lock:
            service = next((s for s in self.services.values() if s["id"] == function_id), None)
        if service is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Error: Page not found</body></html>"
        if not self.public(service):
            # Without allUsers the caller must present a token of a principal the invoker role names.
            try:
                principal = self.authenticate(headers) if headers.get("Authorization") else None
            except ApiError:
                return 401, {"Content-Type": "text/html"}, (b"<html><head><title>401 Unauthorized</title></head><body>Error: "
                                                             b"Unauthorized Your client does not have permission to the requested URL.</body></html>")
            if principal not in self.invokers(service):
                return 403, {"Content-Type": "text/html"}, (b"<html><head><title>403 Forbidden</title></head><body>Error: "
                                                             b"Forbidden Your client does not have permission to get URL.</body></html>")
        trace = headers.get("X-Cloud-Trace-Context")
        if not trace:
            trace = "%s/%d;o=1" % (secrets.token_hex(16), int.from_bytes(secrets.token_bytes(8), "big") >> 1)
            headers["X-Cloud-Trace-Context"] = trace
        begin = time.time()
        status, out_headers, out_body, revision = self._dispatch(service, method, path, query, headers, body)
        latency = time.time() - begin
        if revision is not None:
            self.logs.append({
                "logName": "projects/%s/logs/run.googleapis.com%%2Frequests" % self.project,
                "resource": self.resource(service, revision), "timestamp": rfc3339(begin),
                "httpRequest": {"requestMethod": method, "requestUrl": "http://127.0.0.1:%d/__run/%s%s" % (self.port, function_id, path),
                                "requestSize": str(len(body)), "status": status, "responseSize": str(len(out_body)),
                                "userAgent": headers.get("User-Agent", ""), "remoteIp": "127.0.0.1",
                                "latency": "%.9fs" % latency, "protocol": "HTTP/1.1"},
                "severity": "INFO" if status < 400 else "ERROR",
                "trace": "projects/%s/traces/%s" % (self.project, trace.split("/")[0]),
                "spanId": "%016x" % int(trace.split("/")[1].split(";")[0]) if "/" in trace else None,
                "traceSampled": True})
        return status, out_headers, out_body

    def _dispatch(self, service, method, path, query, headers, body):
        with self.lock:
            revision = service.get("serving")
            if revision is None:
                return 503, {"Content-Type": "text/plain"}, b"Service Unavailable", None
            instance = next((i for i in revision["instances"] if not i.busy and i.alive()), None)
            if instance is None and len(revision["instances"]) >= revision["max"]:
                return 429, {"Content-Type": "text/plain"}, b"Rate exceeded.", revision
            if instance is not None:
                instance.busy = True
        if instance is None:
            try:
                instance = Instance(self, service, revision)
            except RuntimeError:
                return 503, {"Content-Type": "text/plain"}, b"The request failed because the instance could not start.", revision
            instance.busy = True
            with self.lock:
                revision["instances"].append(instance)
        try:
            if instance.init_error:
                return 500, {"Content-Type": "text/plain"}, b"Internal Server Error", revision
            result = instance.handle({"method": method, "path": path or "/", "query": query, "headers": headers,
                                      "body": base64.b64encode(body).decode()}, revision["timeout"])
            if result is None:
                instance.kill()
                with self.lock:
                    if instance in revision["instances"]:
                        revision["instances"].remove(instance)
                return 504, {"Content-Type": "text/plain"}, b"upstream request timeout", revision
            return (result["status"], result.get("headers") or {}, base64.b64decode(result.get("body") or ""), revision)
        finally:
            instance.busy = False

    # -- Cloud Logging v2 ----------------------------------------------------------------------------------------
    def list_entries(self, body):
        with self.lock:
            if self.quota_errors > 0:
                self.quota_errors -= 1
                raise ApiError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' and limit "
                               "'Read requests per minute' of service 'logging.googleapis.com' for consumer "
                               "'project_number:%s'." % self.project_number)
        names = body.get("resourceNames") or []
        if not names:
            raise ApiError(400, "INVALID_ARGUMENT", "resourceNames is required.")
        for n in names:
            m = re.match(r"^projects/([^/]+)$", n)
            if not m:
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid resource name: %s" % n)
            self.check_project(m.group(1))
        size = body.get("pageSize", 50)
        if not isinstance(size, int) or size < 0 or size > 1000:
            raise ApiError(400, "INVALID_ARGUMENT", "pageSize must be between 0 and 1000.")
        order = body.get("orderBy", "timestamp asc")
        if order not in ("timestamp asc", "timestamp desc"):
            raise ApiError(400, "INVALID_ARGUMENT", "orderBy must be 'timestamp asc' or 'timestamp desc'.")
        terms = parse_filter(body.get("filter", ""))
        selected = [e for e in self.logs.visible() if matches(e, terms)]
        if order == "timestamp desc":
            selected.reverse()
        start = 0
        signature = hashlib.sha256((body.get("filter", "") + order).encode()).hexdigest()[:12]
        if body.get("pageToken"):
            try:
                sig, offset = base64.urlsafe_b64decode(body["pageToken"]).decode().split(":")
                start = int(offset)
            except (ValueError, binascii.Error):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid page token.")
            if sig != signature:
                raise ApiError(400, "INVALID_ARGUMENT", "The page token does not belong to this filter.")
        count = min(size or 50, LOG_PAGE_MAX)
        page = selected[start:start + count]
        out = {"entries": [{k: v for k, v in e.items() if v is not None} for e in page]}
        if start + count < len(selected):
            out["nextPageToken"] = base64.urlsafe_b64encode(("%s:%d" % (signature, start + count)).encode()).decode()
        return out

    # -- Firestore Admin v1 and Datastore v1 ---------------------------------------------------------------------
    def create_database(self, project, database_id, body):
        uuid_like = re.match(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$", database_id or "")
        if not database_id or not DATABASE_ID.match(database_id) or uuid_like:
            raise ApiError(400, "INVALID_ARGUMENT", "Database ID '%s' is not valid: 4-63 characters, lowercase letters, "
                           "numbers and hyphens, starting with a letter." % database_id)
        if body.get("type") not in ("DATASTORE_MODE", "FIRESTORE_NATIVE"):
            raise ApiError(400, "INVALID_ARGUMENT", "type must be FIRESTORE_NATIVE or DATASTORE_MODE.")
        if not body.get("locationId"):
            raise ApiError(400, "INVALID_ARGUMENT", "locationId is required.")
        name = "projects/%s/databases/%s" % (project, database_id)
        with self.lock:
            if name in self.databases:
                raise ApiError(409, "ALREADY_EXISTS", "Database already exists. Please use another database_id")

        def finish():
            db = {"name": name, "uid": str(uuid.uuid4()), "createTime": rfc3339(), "locationId": body["locationId"],
                  "type": body["type"], "concurrencyMode": "PESSIMISTIC", "etag": self._etag()}
            with self.lock:
                self.databases[name] = db
                self.entities[name] = {}
            return dict(db, **{"@type": "type.googleapis.com/google.firestore.admin.v1.Database"})
        return self.operation(None, "create", name, finish, api="firestore")

    def get_database(self, name):
        with self.lock:
            db = self.databases.get(name)
        if db is None:
            raise ApiError(404, "NOT_FOUND", "Database '%s' does not exist." % name)
        return dict(db)

    def delete_database(self, name):
        with self.lock:
            if self.databases.pop(name, None) is None:
                raise ApiError(404, "NOT_FOUND", "Database '%s' does not exist." % name)
            self.entities.pop(name, None)
        return {"name": name + "/operations/" + str(uuid.uuid4()), "done": True, "response": {}}

    def _entities(self, project, body, headers):
        database = body.get("databaseId", "")
        name = "projects/%s/databases/%s" % (project, database or "(default)")
        with self.lock:
            if name not in self.databases:
                raise ApiError(404, "NOT_FOUND", "The database %s does not exist for project %s" % (database or "(default)", project))
            return name, database, self.entities[name]

    def _key(self, key, project, database):
        part = key.get("partitionId") or {}
        if part.get("projectId", project) != project or part.get("databaseId", "") != database:
            raise ApiError(400, "INVALID_ARGUMENT", "The key's partition (project %s, database %s) is not the request's "
                           "(project %s, database %s)." % (part.get("projectId"), part.get("databaseId"), project, database))
        path = key.get("path") or []
        if not path:
            raise ApiError(400, "INVALID_ARGUMENT", "A key must have at least one path element.")
        out = []
        for e in path:
            kind = e.get("kind", "")
            if not kind or kind.startswith("__"):
                raise ApiError(400, "INVALID_ARGUMENT", "The key path element kind \"%s\" is not valid." % kind)
            ident = e.get("name") if "name" in e else e.get("id")
            if ident is None or ident == "":
                raise ApiError(400, "INVALID_ARGUMENT", "The key path element must have a name or an id (incomplete keys "
                               "are not supported here).")
            out.append((kind, "name" if "name" in e else "id", str(ident)))
        return tuple(out)

    @staticmethod
    def _key_json(key, project, database):
        return {"partitionId": {"projectId": project, "databaseId": database},
                "path": [{"kind": k, t: v} for k, t, v in key]}

    def commit(self, project, body, headers):
        name, database, store = self._entities(project, body, headers)
        if body.get("mode", "TRANSACTIONAL") == "TRANSACTIONAL" and not body.get("transaction"):
            raise ApiError(400, "INVALID_ARGUMENT", "A transactional commit needs a transaction (use mode NON_TRANSACTIONAL).")
        results = []
        with self.lock:
            for m in body.get("mutations", []):
                op = next((k for k in ("insert", "update", "upsert", "delete") if k in m), None)
                if op is None:
                    raise ApiError(400, "INVALID_ARGUMENT", "A mutation needs one of insert, update, upsert, delete.")
                key = self._key(m[op] if op == "delete" else m[op].get("key") or {}, project, database)
                if op == "insert" and key in store:
                    raise ApiError(409, "ALREADY_EXISTS", "entity already exists: %s" % (key,))
                if op == "update" and key not in store:
                    raise ApiError(404, "NOT_FOUND", "no entity to update: %s" % (key,))
                version = str(int(time.time() * 1e6))
                if op == "delete":
                    store.pop(key, None)
                else:
                    store[key] = {"properties": json.loads(json.dumps(m[op].get("properties") or {})), "version": version,
                                  "createTime": store.get(key, {}).get("createTime", rfc3339()), "updateTime": rfc3339()}
                results.append({"version": version, "updateTime": rfc3339()})
        return {"mutationResults": results, "indexUpdates": len(results), "commitTime": rfc3339()}

    def lookup(self, project, body, headers):
        name, database, store = self._entities(project, body, headers)
        found, missing = [], []
        with self.lock:
            for k in body.get("keys", []):
                key = self._key(k, project, database)
                e = store.get(key)
                if e is None:
                    missing.append({"entity": {"key": self._key_json(key, project, database)}, "version": "0"})
                else:
                    found.append({"entity": {"key": self._key_json(key, project, database), "properties": e["properties"]},
                                  "version": e["version"], "createTime": e["createTime"], "updateTime": e["updateTime"]})
        out = {"readTime": rfc3339()}
        if found:
            out["found"] = found
        if missing:
            out["missing"] = missing
        return out

    def run_query(self, project, body, headers):
        name, database, store = self._entities(project, body, headers)
        if "gqlQuery" in body:
            raise ApiError(400, "INVALID_ARGUMENT", "GQL queries are not supported by this fake.")
        q = body.get("query") or {}
        kinds = [k.get("name") for k in q.get("kind", [])]
        if len(kinds) > 1:
            raise ApiError(400, "INVALID_ARGUMENT", "A query may name at most one kind.")
        filters = []

        def collect(f):
            if "compositeFilter" in f:
                if f["compositeFilter"].get("op") != "AND":
                    raise ApiError(400, "INVALID_ARGUMENT", "Only AND composite filters are supported here.")
                for sub in f["compositeFilter"].get("filters", []):
                    collect(sub)
            elif "propertyFilter" in f:
                filters.append(f["propertyFilter"])
        if q.get("filter"):
            collect(q["filter"])
        results = []
        with self.lock:
            for key, e in sorted(store.items()):
                if kinds and key[-1][0] != kinds[0]:
                    continue
                ok = True
                for pf in filters:
                    prop, op, value = pf.get("property", {}).get("name"), pf.get("op"), pf.get("value", {})
                    if prop == "__key__" and op == "HAS_ANCESTOR":
                        ancestor = self._key(value.get("keyValue") or {}, project, database)
                        ok = ok and key[:len(ancestor)] == ancestor and len(key) > len(ancestor)
                    elif op == "EQUAL":
                        ok = ok and e["properties"].get(prop) is not None and \
                            {k: v for k, v in e["properties"][prop].items() if k != "excludeFromIndexes"} == value
                    else:
                        raise ApiError(400, "INVALID_ARGUMENT", "Unsupported filter %s %s in this fake." % (prop, op))
                if ok:
                    results.append({"entity": {"key": self._key_json(key, project, database), "properties": e["properties"]},
                                    "version": e["version"], "cursor": base64.b64encode(repr(key).encode()).decode()})
        if q.get("limit") is not None:
            results = results[:int(q["limit"])]
        return {"batch": {"entityResultType": "FULL", "entityResults": results, "moreResults": "NO_MORE_RESULTS",
                          "endCursor": results[-1]["cursor"] if results else ""}, "readTime": rfc3339()}

    # -- Cloud Storage JSON API ----------------------------------------------------------------------------------
    def bucket_json(self, name):
        b = self.buckets[name]
        return dict(b["meta"])

    def create_bucket(self, query, body):
        project = query.get("project", [None])[0]
        if not project:
            raise ApiError(400, "INVALID_ARGUMENT", "Required parameter: project", )
        self.check_project(project)
        name = body.get("name", "")
        if not BUCKET.match(name) or ".." in name or name.startswith("goog"):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid bucket name: '%s'" % name)
        with self.lock:
            if name in self.buckets:
                raise ApiError(409, "CONFLICT", "Your previous request to create the named bucket succeeded and you already own it.")
            now = rfc3339()
            self.buckets[name] = {"objects": {}, "meta": {
                "kind": "storage#bucket", "id": name, "selfLink": "http://127.0.0.1:%d/storage/v1/b/%s" % (self.port, name),
                "projectNumber": self.project_number, "name": name, "timeCreated": now, "updated": now,
                "metageneration": "1", "location": (body.get("location") or "US").upper(), "locationType": "region",
                "storageClass": body.get("storageClass", "STANDARD"), "etag": "CAE="}}
            return self.bucket_json(name)

    def get_bucket(self, name):
        with self.lock:
            if name not in self.buckets:
                raise ApiError(404, "NOT_FOUND", "The specified bucket does not exist.")
            return self.bucket_json(name)

    def list_buckets(self, query):
        project = query.get("project", [None])[0]
        if not project:
            raise ApiError(400, "INVALID_ARGUMENT", "Required parameter: project")
        self.check_project(project)
        prefix = query.get("prefix", [""])[0]
        with self.lock:
            items = [self.bucket_json(n) for n in sorted(self.buckets) if n.startswith(prefix)]
        return {"kind": "storage#buckets", "items": items} if items else {"kind": "storage#buckets"}

    def delete_bucket(self, name):
        with self.lock:
            b = self.buckets.get(name)
            if b is None:
                raise ApiError(404, "NOT_FOUND", "The specified bucket does not exist.")
            if b["objects"]:
                raise ApiError(409, "CONFLICT", "The bucket you tried to delete is not empty.")
            del self.buckets[name]

    def _bucket(self, name):
        b = self.buckets.get(name)
        if b is None:
            raise ApiError(404, "NOT_FOUND", "The specified bucket does not exist.")
        return b

    def put_object(self, bucket, name, data, content_type, metadata=None):
        if not name or len(name.encode()) > 1024 or "\r" in name or "\n" in name:
            raise ApiError(400, "INVALID_ARGUMENT", "The specified object name is not valid.")
        with self.lock:
            b = self._bucket(bucket)
            generation = str(int(time.time() * 1e6))
            now = rfc3339()
            meta = {"kind": "storage#object", "id": "%s/%s/%s" % (bucket, name, generation),
                    "selfLink": "http://127.0.0.1:%d/storage/v1/b/%s/o/%s" % (self.port, bucket, quote(name, safe="")),
                    "mediaLink": "http://127.0.0.1:%d/download/storage/v1/b/%s/o/%s?generation=%s&alt=media"
                                 % (self.port, bucket, quote(name, safe=""), generation),
                    "name": name, "bucket": bucket, "generation": generation, "metageneration": "1",
                    "contentType": content_type or "application/octet-stream", "storageClass": "STANDARD",
                    "size": str(len(data)), "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode(),
                    "crc32c": base64.b64encode(crc32c(data).to_bytes(4, "big")).decode(),
                    "etag": base64.b64encode(generation.encode()).decode(), "timeCreated": now, "updated": now}
            if metadata:
                meta["metadata"] = metadata
            b["objects"][name] = {"meta": meta, "data": data}
            return dict(meta)

    def get_object(self, bucket, name):
        with self.lock:
            b = self._bucket(bucket)
            o = b["objects"].get(name)
            if o is None:
                raise ApiError(404, "NOT_FOUND", "No such object: %s/%s" % (bucket, name))
            return o

    def list_objects(self, bucket, query):
        prefix = query.get("prefix", [""])[0]
        delimiter = query.get("delimiter", [""])[0]
        size = min(int(query.get("maxResults", ["1000"])[0]), 1000)
        token = query.get("pageToken", [""])[0]
        with self.lock:
            names = sorted(n for n in self._bucket(bucket)["objects"] if n.startswith(prefix))
            items, prefixes = [], set()
            for n in names:
                if token and n <= token:
                    continue
                rest = n[len(prefix):]
                if delimiter and delimiter in rest:
                    prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
                    continue
                items.append(self._bucket(bucket)["objects"][n]["meta"])
                if len(items) >= size:
                    break
        out = {"kind": "storage#objects"}
        if items:
            out["items"] = [dict(i) for i in items]
            if len(items) >= size and items[-1]["name"] != (names[-1] if names else None):
                out["nextPageToken"] = items[-1]["name"]
        if prefixes:
            out["prefixes"] = sorted(prefixes)
        return out

    def delete_object(self, bucket, name):
        with self.lock:
            b = self._bucket(bucket)
            if b["objects"].pop(name, None) is None:
                raise ApiError(404, "NOT_FOUND", "No such object: %s/%s" % (bucket, name))

    # -- inspection ----------------------------------------------------------------------------------------------
    def inspect(self):
        out = []
        with self.lock:
            for name, fn in sorted(self.functions.items()):
                service = self.services.get(fn.get("serviceConfig", {}).get("service", ""))
                serving = (service or {}).get("serving")
                out.append({"name": name.rsplit("/", 1)[1], "resourceName": name, "state": fn["state"],
                            "runtime": fn["buildConfig"].get("runtime"), "entryPoint": fn["buildConfig"].get("entryPoint"),
                            "memory": fn["serviceConfig"].get("availableMemory"), "cpu": fn["serviceConfig"].get("availableCpu"),
                            "timeout": fn["serviceConfig"].get("timeoutSeconds"),
                            "concurrency": fn["serviceConfig"].get("maxInstanceRequestConcurrency"),
                            "minInstances": fn["serviceConfig"].get("minInstanceCount"),
                            "maxInstances": fn["serviceConfig"].get("maxInstanceCount"),
                            "ingress": fn["serviceConfig"].get("ingressSettings"),
                            "env": fn["serviceConfig"].get("environmentVariables") or {},
                            "revision": fn["serviceConfig"].get("revision"), "servingRevision": serving["name"] if serving else None,
                            "instances": len(serving["instances"]) if serving else 0,
                            "uri": fn["serviceConfig"].get("uri"),
                            "policy": (service or {}).get("policy")})
        return out


# ----------------------------------------------------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake = None  # set by main

    def log_message(self, fmt, *args):  # quiet; --log writes its own lines
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        # Google's APIs take gzip-compressed requests (the .NET client libraries compress JSON bodies by default).
        if data and self.headers.get("Content-Encoding", "").lower() == "gzip":
            data = gzip.decompress(data)
        return data

    def _send(self, status, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else (json.dumps(body) if content_type == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self._status = status

    def _error(self, exc):
        self._send(exc.code, {"error": {"code": exc.code, "message": exc.message, "status": exc.status}}, headers=exc.headers)

    def do_GET(self):
        self._route()

    def do_POST(self):
        self._route()

    def do_PUT(self):
        self._route()

    def do_PATCH(self):
        self._route()

    def do_DELETE(self):
        self._route()

    def _route(self):
        fake = self.fake
        self._status = 0
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query, keep_blank_values=True)
        body = self._body()
        try:
            self._dispatch(fake, self.command, path, query, body)
        except ApiError as exc:
            self._error(exc)
        except (ValueError, KeyError, TypeError) as exc:
            self._error(ApiError(400, "INVALID_ARGUMENT", "Invalid request: %s" % exc))
        finally:
            if fake.args.log:
                with open(fake.args.log, "a") as f:
                    f.write("%s %s %s %d\n" % (rfc3339(), self.command, path, self._status))

    def _json(self, body):
        if not body:
            return {}
        try:
            value = json.loads(body)
        except ValueError:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if not isinstance(value, dict):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received: not an object.")
        return value

    def _dispatch(self, fake, method, path, query, body):
        # --- unauthenticated: OAuth, signed upload, metadata server, functions' endpoints, inspection
        if path == "/token" and method == "POST":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            status, answer = fake.oauth_token(form)
            return self._send(status, answer)
        m = re.match(r"^/__upload/([^/]+)/([0-9a-f]+)$", path)
        if m and method == "PUT":
            status, ctype, text = fake.signed_upload(m.group(2), self.headers, query, body)
            return self._send(status, text, ctype)
        if path.startswith("/computeMetadata/"):
            return self._metadata(fake, path)
        m = re.match(r"^/__run/([a-z][-a-z0-9]*)(/.*)?$", path)
        if m:
            headers = {k: v for k, v in self.headers.items()}
            status, out_headers, data = fake.invoke(m.group(1), method, m.group(2) or "/", urlsplit(self.path).query, headers, body)
            ctype = next((v for k, v in out_headers.items() if k.lower() == "content-type"), "text/html; charset=utf-8")
            return self._send(status, data, ctype, {k: v for k, v in out_headers.items() if k.lower() not in ("content-type", "content-length")})
        if path == "/__fake/functions":
            return self._send(200, fake.inspect())
        if path == "/__fake/logs":
            return self._send(200, fake.logs.visible())
        if path == "/__fake/throttle" and method == "POST":
            with fake.lock:
                fake.throttled = int(query.get("count", ["1"])[0])
            return self._send(200, {"throttled": fake.throttled})

        principal = fake.authenticate(self.headers)  # noqa: F841 - every API below needs a valid token

        # --- Cloud Functions v2 (and its operations)
        m = re.match(r"^/v2/projects/([^/]+)/locations/([^/]+)/(functions|operations|services)(?:/([^/:]+))?(?::(\w+))?$", path)
        if m:
            project, region, collection, ident, verb = m.groups()
            fake.check_project(project)
            if collection != "services":
                with fake.lock:
                    throttle = fake.throttled > 0
                    fake.throttled -= 1 if throttle else 0
                if throttle:
                    # Per-minute quotas: 429 RESOURCE_EXHAUSTED, here with a Retry-After the client must honour.
                    raise ApiError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Write requests' and limit "
                                   "'Write requests per minute per region' of service 'cloudfunctions.googleapis.com'.",
                                   headers={"Retry-After": "1"})
            if not REGION.match(region):
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid location: %s" % region)
            parent = "projects/%s/locations/%s" % (project, region)
            if collection == "functions":
                if ident is None and verb == "generateUploadUrl" and method == "POST":
                    return self._send(200, fake.generate_upload_url(project, region, self._json(body)))
                if ident is None and verb is None and method == "POST":
                    return self._send(200, fake.create_function(project, region, query.get("functionId", [""])[0], self._json(body)))
                if ident is None and verb is None and method == "GET":
                    return self._send(200, fake.list_functions(parent, query))
                name = "%s/functions/%s" % (parent, ident)
                if ident and verb is None and method == "GET":
                    return self._send(200, fake.get_function(name))
                if ident and verb is None and method == "PATCH":
                    return self._send(200, fake.patch_function(name, query, self._json(body)))
                if ident and verb is None and method == "DELETE":
                    return self._send(200, fake.delete_function(name))
            if collection == "operations" and ident and method == "GET":
                return self._send(200, fake.get_operation("%s/operations/%s" % (parent, ident)))
            if collection == "services" and ident:
                name = "%s/services/%s" % (parent, ident)
                if verb is None and method == "GET":
                    return self._send(200, fake.get_service(name))
                if verb == "getIamPolicy" and method == "GET":
                    return self._send(200, fake.get_iam_policy(name))
                if verb == "setIamPolicy" and method == "POST":
                    return self._send(200, fake.set_iam_policy(name, self._json(body)))
            raise ApiError(404, "NOT_FOUND", "Method not found: %s %s" % (method, path))

        # --- Cloud Logging v2
        if path == "/v2/entries:list" and method == "POST":
            return self._send(200, fake.list_entries(self._json(body)))

        # --- Datastore v1
        m = re.match(r"^/v1/projects/([^/:]+):(commit|lookup|runQuery)$", path)
        if m and method == "POST":
            fake.check_project(m.group(1))
            action = {"commit": fake.commit, "lookup": fake.lookup, "runQuery": fake.run_query}[m.group(2)]
            return self._send(200, action(m.group(1), self._json(body), self.headers))

        # --- Firestore Admin v1
        m = re.match(r"^/v1/projects/([^/]+)/databases(?:/([^/]+))?(/operations/[^/]+)?$", path)
        if m:
            project, db, op = m.groups()
            fake.check_project(project)
            if op:
                return self._send(200, fake.get_operation("projects/%s/databases/%s%s" % (project, db, op)))
            if db is None and method == "POST":
                return self._send(200, fake.create_database(project, query.get("databaseId", [""])[0], self._json(body)))
            if db is None and method == "GET":
                with fake.lock:
                    dbs = [dict(d) for n, d in sorted(fake.databases.items()) if n.startswith("projects/%s/" % project)]
                return self._send(200, {"databases": dbs})
            name = "projects/%s/databases/%s" % (project, db)
            if method == "GET":
                return self._send(200, fake.get_database(name))
            if method == "DELETE":
                return self._send(200, fake.delete_database(name))

        # --- Cloud Storage JSON API
        if path.startswith("/storage/v1/") or path.startswith("/upload/storage/v1/") or path.startswith("/download/storage/v1/"):
            return self._storage(fake, method, path, query, body)
        raise ApiError(404, "NOT_FOUND", "Method not found: %s %s" % (method, path))

    def _metadata(self, fake, path):
        # The metadata server answers only requests that say Metadata-Flavor: Google and are not forwarded.
        if self.headers.get("Metadata-Flavor") != "Google" or self.headers.get("X-Forwarded-For"):
            return self._send(403, "Missing required header: Metadata-Flavor", "text/html")
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            return self._send(200, {"access_token": fake.issue_token("serviceAccount:%s-compute@developer.gserviceaccount.com"
                                                                      % fake.project_number),
                                    "expires_in": 3599, "token_type": "Bearer"}, headers={"Metadata-Flavor": "Google"})
        if path == "/computeMetadata/v1/project/project-id":
            return self._send(200, fake.project, "application/text", {"Metadata-Flavor": "Google"})
        if path == "/computeMetadata/v1/project/numeric-project-id":
            return self._send(200, fake.project_number, "application/text", {"Metadata-Flavor": "Google"})
        return self._send(404, "Not Found", "text/html")

    def _storage(self, fake, method, path, query, body):
        if path in ("/storage/v1/b", "/storage/v1/b/"):
            if method == "POST":
                return self._send(200, fake.create_bucket(query, self._json(body)))
            if method == "GET":
                return self._send(200, fake.list_buckets(query))
        m = re.match(r"^/storage/v1/b/([^/]+)$", path)
        if m:
            if method == "GET":
                return self._send(200, fake.get_bucket(m.group(1)))
            if method == "DELETE":
                fake.delete_bucket(m.group(1))
                return self._send(204, b"", "application/json")
        m = re.match(r"^/upload/storage/v1/b/([^/]+)/o$", path)
        if m and method in ("POST", "PUT"):
            return self._upload(fake, method, m.group(1), query, body)
        m = re.match(r"^/(?:download/)?storage/v1/b/([^/]+)/o$", path)
        if m and method == "GET":
            return self._send(200, fake.list_objects(m.group(1), query))
        m = re.match(r"^/(download/)?storage/v1/b/([^/]+)/o/(.+)$", path)
        if m:
            bucket, name = m.group(2), unquote(m.group(3))
            if method == "GET":
                obj = fake.get_object(bucket, name)
                if query.get("alt", ["json"])[0] != "media":
                    return self._send(200, dict(obj["meta"]))
                data, status, extra = obj["data"], 200, {}
                rng = self.headers.get("Range")
                if rng:
                    rm = re.match(r"^bytes=(\d+)-(\d*)$", rng)
                    if not rm or int(rm.group(1)) >= max(len(data), 1):
                        return self._send(416, {"error": {"code": 416, "message": "Requested range not satisfiable"}})
                    start, end = int(rm.group(1)), int(rm.group(2) or len(data) - 1)
                    extra["Content-Range"] = "bytes %d-%d/%d" % (start, end, len(data))
                    data, status = data[start:end + 1], 206
                meta = obj["meta"]
                extra.update({"x-goog-hash": "crc32c=%s,md5=%s" % (meta["crc32c"], meta["md5Hash"]),
                              "x-goog-generation": meta["generation"], "x-goog-stored-content-length": meta["size"],
                              "ETag": meta["etag"]})
                return self._send(status, data, meta["contentType"], extra)
            if method == "DELETE":
                fake.delete_object(bucket, name)
                return self._send(204, b"", "application/json")
        raise ApiError(404, "NOT_FOUND", "Method not found: %s %s" % (method, path))

    def _upload(self, fake, method, bucket, query, body):
        kind = query.get("uploadType", [""])[0]
        ctype = self.headers.get("Content-Type", "")
        if kind == "media" and method == "POST":
            name = query.get("name", [""])[0]
            if not name:
                raise ApiError(400, "INVALID_ARGUMENT", "Required parameter: name")
            return self._send(200, fake.put_object(bucket, name, body, ctype))
        if kind == "multipart" and method == "POST":
            bm = re.search(r'boundary="?([^";]+)"?', ctype)
            if not ctype.startswith("multipart/related") or not bm:
                raise ApiError(400, "INVALID_ARGUMENT", "A multipart upload needs Content-Type multipart/related with a boundary.")
            parts = body.split(b"--" + bm.group(1).encode())
            sections = [p.strip(b"\r\n") for p in parts[1:-1]]
            if len(sections) != 2:
                raise ApiError(400, "INVALID_ARGUMENT", "A multipart upload has a metadata part and a media part.")

            def split(section):
                head, _, data = section.partition(b"\r\n\r\n")
                headers = dict(l.split(":", 1) for l in head.decode().split("\r\n") if ":" in l)
                return {k.strip().lower(): v.strip() for k, v in headers.items()}, data
            _, meta_raw = split(sections[0])
            media_headers, media = split(sections[1])
            meta = json.loads(meta_raw)
            name = meta.get("name") or query.get("name", [""])[0]
            return self._send(200, fake.put_object(bucket, name, media, meta.get("contentType") or media_headers.get("content-type"),
                                                   meta.get("metadata")))
        if kind == "resumable" and method == "POST" and "upload_id" not in query:
            meta = self._json(body)
            name = meta.get("name") or query.get("name", [""])[0]
            if not name:
                raise ApiError(400, "INVALID_ARGUMENT", "Required parameter: name")
            fake._bucket(bucket)
            upload_id = secrets.token_urlsafe(24)
            with fake.lock:
                fake.resumable[upload_id] = {"bucket": bucket, "name": name, "meta": meta, "data": b"",
                                             "type": self.headers.get("X-Upload-Content-Type") or meta.get("contentType")}
            location = "http://127.0.0.1:%d/upload/storage/v1/b/%s/o?uploadType=resumable&upload_id=%s" % (
                fake.port, bucket, upload_id)
            return self._send(200, b"", "text/plain", {"Location": location, "X-GUploader-UploadID": upload_id})
        if kind == "resumable" and "upload_id" in query:
            upload_id = query["upload_id"][0]
            with fake.lock:
                up = fake.resumable.get(upload_id)
            if up is None:
                raise ApiError(404, "NOT_FOUND", "No such upload session.")
            rng = self.headers.get("Content-Range", "")
            m = re.match(r"^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$", rng) if rng else None
            if rng and not m:
                raise ApiError(400, "INVALID_ARGUMENT", "Invalid Content-Range: %s" % rng)
            if m and m.group(1) is not None:
                if int(m.group(1)) != len(up["data"]):
                    return self._send(308, b"", "text/plain", {"Range": "bytes=0-%d" % (len(up["data"]) - 1)} if up["data"] else {})
                up["data"] += body
            elif not rng:
                up["data"] += body
            total = m.group(3) if m else str(len(up["data"]))
            if total != "*" and int(total) == len(up["data"]):
                with fake.lock:
                    fake.resumable.pop(upload_id, None)
                return self._send(200, fake.put_object(up["bucket"], up["name"], up["data"], up["type"], up["meta"].get("metadata")))
            headers = {"Range": "bytes=0-%d" % (len(up["data"]) - 1)} if up["data"] else {}
            return self._send(308, b"", "text/plain", headers)
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid uploadType: %s" % kind)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--project", default="sebs-test")
    p.add_argument("--project-number", default="123456789012")
    p.add_argument("--client-email", required=True, help="the service account whose JWTs the token endpoint accepts")
    p.add_argument("--public-key", required=True, help="PEM public key of that service account")
    p.add_argument("--key-id", default="", help="its private_key_id (the JWT's kid)")
    p.add_argument("--python", default="python3")
    p.add_argument("--node", default="node")
    p.add_argument("--operation-delay", type=float, default=0.3, help="seconds a long-running operation takes")
    p.add_argument("--serve-delay", type=float, default=0.5, help="seconds until a new revision takes the traffic")
    p.add_argument("--log-delay", type=float, default=1.0, help="seconds until a log entry can be listed")
    p.add_argument("--logging-quota-errors", type=int, default=0, help="answer this many entries:list calls with 429")
    p.add_argument("--function-env", action="append", default=[], help="K=V added to every instance's environment")
    p.add_argument("--log", help="append one line per request (time method path status) to this file")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    args = p.parse_args()
    fake = Fake(args)
    Handler.fake = fake
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]

    def stop(*_):
        with fake.lock:
            for s in fake.services.values():
                for r in s["revisions"]:
                    for i in r["instances"]:
                        i.kill()
        shutil.rmtree(fake.workdir, ignore_errors=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_on_stdin_eof:
        threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    print("READY %d" % fake.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
