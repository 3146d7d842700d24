#!/usr/bin/env python3
"""Fake Azure for tests: Entra token endpoint, Resource Manager, the SCM (Kudu) deployment API, the Functions host and
the Application Insights query API on one 127.0.0.1 port. Standard library only. See README.md for what is checked."""
import argparse
import base64
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ARM_AUDIENCE = "https://management.azure.com"
INSIGHTS_AUDIENCE = "https://api.applicationinsights.io"
# api-versions the fake accepts per resource type (ARM answers InvalidApiVersionParameter for others).
API_VERSIONS = {
    "resourcegroups": {"2021-04-01", "2022-09-01", "2024-03-01"},
    "microsoft.storage/storageaccounts": {"2023-01-01", "2023-05-01", "2024-01-01"},
    "microsoft.operationalinsights/workspaces": {"2023-09-01", "2025-02-01"},
    "microsoft.insights/components": {"2020-02-02"},
    "microsoft.web/serverfarms": {"2023-12-01", "2024-04-01", "2024-11-01"},
    "microsoft.web/sites": {"2023-12-01", "2024-04-01", "2024-11-01"},
    "microsoft.documentdb/databaseaccounts": {"2024-05-15", "2024-08-15", "2024-11-15"},
}
FLEX_MEMORY = (512, 2048, 4096)
FLEX_RUNTIMES = {"python": {"3.10", "3.11", "3.12"}, "node": {"20", "22"}}
FLEX_FORBIDDEN = ("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
                  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "SCM_DO_BUILD_DURING_DEPLOYMENT")


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ArmError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class Instance:
    """One function-app instance: a worker process with its own temp directory (cold until its first call)."""

    def __init__(self, fake, app, code_dir):
        self.fake = fake
        self.app = app
        self.busy = False
        self.id = secrets.token_hex(16)
        self.tmp = tempfile.mkdtemp(prefix="inst-", dir=fake.work)
        env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL") if k in os.environ}
        env.update(app.settings)
        env.update(fake.function_env)
        env.update({"TMPDIR": self.tmp, "TMP": self.tmp, "TEMP": self.tmp, "WEBSITE_SITE_NAME": app.name,
                    "WEBSITE_HOSTNAME": "%s.azurewebsites.net" % app.name, "WEBSITE_INSTANCE_ID": self.id,
                    "CONTAINER_NAME": "fake-" + self.id[:12], "AzureWebJobsScriptRoot": code_dir,
                    "_FAKE_AZURE_PYSHIM": os.path.join(HERE, "pyshim"), "_FAKE_AZURE_FUNCTION": "handler"})
        runtime = app.runtime_name()
        cmd = [fake.node, os.path.join(HERE, "worker.js")] if runtime == "node" else [fake.python, os.path.join(HERE, "worker.py")]
        r, w = os.pipe()
        env["_FAKE_AZURE_RESULT_FD"] = str(w)
        self.proc = subprocess.Popen(cmd, cwd=code_dir, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=fake.worker_log, pass_fds=(w,), start_new_session=True)
        os.close(w)
        self.results = os.fdopen(r, "r")
        ready = json.loads(self.results.readline() or '{"error": "the worker exited during start-up"}')
        self.init_error = ready.get("error")

    def call(self, command, timeout):
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        self.proc.stdin.flush()
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("line", self.results.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if "line" not in box or not box["line"]:
            self.kill()
            return None
        return json.loads(box["line"])

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


class App:
    def __init__(self, name, resource_id, body):
        self.name = name
        self.id = resource_id
        self.body = body
        self.settings = {}
        self.code_dir = None          # the deployed package, unzipped
        self.instances = []
        self.lock = threading.Lock()
        self.host_started = time.time()
        self.restart_at = None        # a pending recycle (settings change) and the time it completes
        self.master_key = secrets.token_urlsafe(32)
        self.invocations = 0

    def flex(self):
        return "functionAppConfig" in self.body["properties"]

    def runtime_name(self):
        if self.flex():
            return self.body["properties"]["functionAppConfig"]["runtime"]["name"]
        fx = self.body["properties"].get("siteConfig", {}).get("linuxFxVersion", "")
        return "node" if fx.lower().startswith("node") else "python"


class Fake:
    def __init__(self, args):
        self.args = args
        self.base = None
        self.tls_base = None
        self.work = tempfile.mkdtemp(prefix="sebs-fake-azure-")
        self.resources = {}           # lower-case id -> resource json
        self.apps = {}                # lower-case name -> App
        self.tokens = {}              # token -> audience
        self.operations = {}          # id -> (done_at, result dict or error)
        self.deployments = {}         # id -> dict
        self.telemetry = []           # request rows with visible_at
        self.injections = []
        self.cosmos = {}              # account -> {"key", "dbs": {db: {coll: {"pk": path, "docs": {(pk, id): doc}}}}}
        self.lock = threading.RLock()
        self.python = args.python
        self.node = args.node
        self.function_env = dict(kv.split("=", 1) for kv in args.function_env)
        self.worker_log = open(os.path.join(self.work, "workers.log"), "ab")
        self.request_log = open(args.log, "a", buffering=1) if args.log else None

    # ---- helpers ----------------------------------------------------------------------------------
    def audience_of(self, headers):
        auth = headers.get("Authorization", "")
        if not auth:
            return None, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
        if not auth.startswith("Bearer "):
            return None, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format."
        aud = self.tokens.get(auth[7:].strip())
        if aud is None:
            return None, "InvalidAuthenticationToken", "The access token is invalid."
        return aud, None, None

    def operation(self, result=None, error=None):
        op = uuid.uuid4().hex
        self.operations[op] = (time.time() + self.args.op_delay, result, error)
        return op

    def app_for(self, name):
        app = self.apps.get(name.lower())
        if app is None:
            raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.Web/sites/%s' was not found." % name)
        return app

    def settle(self, app):
        """Applies a pending recycle whose time has come: every instance is retired, a new host process starts."""
        with app.lock:
            if app.restart_at is not None and time.time() >= app.restart_at:
                for inst in app.instances:
                    inst.kill()
                app.instances = []
                app.restart_at = None
                app.host_started = time.time()

    def recycle(self, app):
        with app.lock:
            app.restart_at = time.time() + self.args.restart_delay

    def telemetry_row(self, app, invocation_id, started, duration_ms, function_ms, status, cold):
        if cold and self.args.drop_cold_telemetry and app.flex():
            return   # azure-functions-host#11167: Flex Consumption misses cold-start request telemetry
        appid = self.insights_app_id(app)
        if not appid:
            return
        self.telemetry.append({
            "appId": appid, "visible_at": time.time() + self.args.telemetry_delay,
            "timestamp": datetime.fromtimestamp(started, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z",
            "operation_Name": "handler", "success": status < 400, "resultCode": str(status), "duration": duration_ms,
            "cloud_RoleName": app.name,
            "customDimensions": {"InvocationId": invocation_id, "FunctionExecutionTimeMs": "%.4f" % function_ms},
        })

    def insights_app_id(self, app):
        conn = app.settings.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "")
        m = re.search(r"ApplicationId=([0-9a-f-]+)", conn)
        return m.group(1) if m else None

    def stop(self):
        for app in self.apps.values():
            for inst in app.instances:
                inst.kill()
        shutil.rmtree(self.work, ignore_errors=True)


FAKE = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    # ---- plumbing ---------------------------------------------------------------------------------
    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, body=None, headers=None, raw=None, content_type="application/json; charset=utf-8"):
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if data or status not in (204,):
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        if FAKE.request_log:
            FAKE.request_log.write("%s %s %s %d\n" % (now_iso(), self.command, urllib.parse.urlsplit(self.path).path, status))

    def _arm_error(self, e):
        self._send(e.status, {"error": {"code": e.code, "message": e.message}}, e.headers)

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
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        body = self._body()
        try:
            if path.startswith("/__fake/"):
                return self._inspect(path, body)
            if re.match(r"^/[^/]+/oauth2/v2\.0/token$", path) or "/.well-known/openid-configuration" in path or path.endswith("/discovery/instance"):
                return self._entra(path, query, body)
            if path.startswith("/subscriptions/"):
                return self._arm(path, query, body)
            if path.startswith("/scm/"):
                return self._scm(path, query, body)
            if path.startswith("/app/"):
                return self._host(path, query, body)
            if path.startswith("/cosmos/"):
                return self._cosmos(path, body)
            if path.startswith("/v1/apps/"):
                return self._insights(path, body)
            self._send(404, {"error": {"code": "NotFound", "message": "No such endpoint: %s" % path}})
        except ArmError as e:
            self._arm_error(e)
        except BrokenPipeError:
            pass

    # ---- inspection / fault injection (not Azure) ---------------------------------------------------
    def _inspect(self, path, body):
        if path == "/__fake/state":
            with FAKE.lock:
                apps = [{"name": a.name, "flex": a.flex(), "settings": sorted(a.settings), "coldStartSetting": a.settings.get("ForceColdStart"),
                         "instances": len(a.instances), "invocations": a.invocations, "deployed": a.code_dir is not None,
                         "memory": a.body["properties"].get("functionAppConfig", {}).get("scaleAndConcurrency", {}).get("instanceMemoryMB"),
                         "functionTimeout": self._host_json(a).get("functionTimeout")}
                        for a in FAKE.apps.values()]
                return self._send(200, {"resources": sorted(r["id"] for r in FAKE.resources.values()), "apps": apps,
                                        "telemetry": len(FAKE.telemetry), "injections": len(FAKE.injections)})
        if path == "/__fake/inject" and self.command == "POST":
            with FAKE.lock:
                FAKE.injections.append(json.loads(body))
            return self._send(204)
        self._send(404, {"error": "unknown"})

    def _host_json(self, app):
        try:
            with open(os.path.join(app.code_dir, "host.json")) as f:
                return json.load(f)
        except (OSError, TypeError, ValueError):
            return {}

    def _injected(self, path):
        # Under the lock: two concurrent requests must not both take a fault meant for one.
        with FAKE.lock:
            inj = next((i for i in FAKE.injections
                        if i.get("method", self.command) == self.command and i.get("path_contains", "") in path), None)
            if inj is None:
                return
            inj["count"] = inj.get("count", 1) - 1
            if inj["count"] <= 0:
                FAKE.injections.remove(inj)
        headers = {"Retry-After": str(inj["retry_after"])} if "retry_after" in inj else {}
        raise ArmError(inj.get("status", 429), inj.get("code", "TooManyRequests"), inj.get("message", "Too many requests. Retry later."), headers)

    # ---- Entra ------------------------------------------------------------------------------------
    def _entra(self, path, query, body):
        tenant = path.strip("/").split("/")[0]
        if "openid-configuration" in path:
            base = FAKE.tls_base + "/" + tenant
            return self._send(200, {"token_endpoint": base + "/oauth2/v2.0/token", "issuer": base + "/v2.0",
                                    "authorization_endpoint": base + "/oauth2/v2.0/authorize", "jwks_uri": base + "/discovery/v2.0/keys"})
        if path.endswith("/discovery/instance"):
            return self._send(200, {"tenant_discovery_endpoint": FAKE.tls_base + "/" + tenant + "/v2.0/.well-known/openid-configuration",
                                    "api-version": "1.1", "metadata": []})
        if self.command != "POST":
            return self._send(405, {"error": "invalid_request", "error_description": "AADSTS900561: The endpoint only accepts POST requests."})
        form = dict(urllib.parse.parse_qsl(body.decode()))
        def fail(status, error, code, text):
            self._send(status, {"error": error, "error_description": "AADSTS%d: %s" % (code, text), "error_codes": [code],
                                "timestamp": now_iso(), "trace_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4())})
        if tenant != FAKE.args.tenant:
            return fail(400, "invalid_request", 90002, "Tenant '%s' not found." % tenant)
        if form.get("grant_type") != "client_credentials":
            return fail(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        if form.get("client_id") != FAKE.args.client_id:
            return fail(400, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory." % form.get("client_id"))
        if form.get("client_secret") != FAKE.args.client_secret:
            return fail(401, "invalid_client", 7000215, "Invalid client secret provided.")
        scope = form.get("scope", "")
        scopes = scope.split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            return fail(400, "invalid_scope", 1002012, "The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier." % scope)
        token = secrets.token_urlsafe(40)
        FAKE.tokens[token] = scopes[0][: -len("/.default")].rstrip("/")
        self._send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

    # ---- ARM --------------------------------------------------------------------------------------
    def _arm(self, path, query, body):
        aud, code, message = FAKE.audience_of(self.headers)
        if aud is None:
            raise ArmError(401, code, message)
        if aud != ARM_AUDIENCE:
            raise ArmError(401, "InvalidAuthenticationToken", "The access token has an invalid audience '%s'." % aud)
        parts = path.strip("/").split("/")
        if parts[1] != FAKE.args.subscription:
            raise ArmError(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % parts[1])
        FAKE_LOCK = FAKE.lock
        self._injected(path)
        api = query.get("api-version")
        # Operation status monitors: /subscriptions/S/providers/Sebs.Fake/operations/{id}[/result]
        if len(parts) >= 6 and parts[2] == "providers" and parts[3] == "Sebs.Fake":
            return self._operation(parts[5], result=len(parts) > 6)
        if len(parts) < 4 or parts[2].lower() != "resourcegroups":
            raise ArmError(400, "InvalidRequestUri", "The request uri '%s' is not valid." % path)
        group = parts[3]
        rtype, name, sub = "resourcegroups", group, parts[4:]
        if sub:
            if len(sub) < 4 or sub[0].lower() != "providers":
                raise ArmError(400, "InvalidRequestUri", "The request uri '%s' is not valid." % path)
            rtype, name, sub = (sub[1] + "/" + sub[2]).lower(), sub[3], sub[4:]
        if not api:
            raise ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        allowed = API_VERSIONS.get(rtype)
        if allowed is None:
            raise ArmError(400, "InvalidResourceType", "The resource type '%s' could not be found." % rtype)
        if api not in allowed:
            raise ArmError(400, "InvalidApiVersionParameter", "The api-version '%s' is invalid. The supported versions are '%s'." % (api, ",".join(sorted(allowed))))
        with FAKE_LOCK:
            group_id = "/subscriptions/%s/resourceGroups/%s" % (parts[1], group)
            if rtype != "resourcegroups" and group_id.lower() not in FAKE.resources:
                raise ArmError(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % group)
            rid = group_id if rtype == "resourcegroups" else "%s/providers/%s/%s" % (group_id, {"microsoft.storage/storageaccounts": "Microsoft.Storage/storageAccounts",
                "microsoft.operationalinsights/workspaces": "Microsoft.OperationalInsights/workspaces", "microsoft.insights/components": "Microsoft.Insights/components",
                "microsoft.web/serverfarms": "Microsoft.Web/serverfarms", "microsoft.web/sites": "Microsoft.Web/sites",
                "microsoft.documentdb/databaseaccounts": "Microsoft.DocumentDB/databaseAccounts"}[rtype], name)
            if sub:
                return self._arm_child(rtype, rid, name, sub, body)
            existing = FAKE.resources.get(rid.lower())
            if self.command == "GET":
                if existing is None:
                    raise ArmError(404, "ResourceNotFound" if rtype != "resourcegroups" else "ResourceGroupNotFound",
                                   "The Resource '%s/%s' under resource group '%s' was not found." % (rtype, name, group))
                return self._send(200, existing)
            if self.command == "DELETE":
                return self._arm_delete(rtype, rid, existing)
            if self.command == "PATCH":
                if existing is None:
                    raise ArmError(404, "ResourceNotFound", "The Resource '%s/%s' was not found." % (rtype, name))
                return self._patch(rtype, rid, existing, self._json(body))
            if self.command == "PUT":
                return self._put(rtype, rid, name, group_id, existing, self._json(body))
        raise ArmError(405, "MethodNotAllowed", "The requested method is not allowed.")

    def _json(self, body):
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise ArmError(415, "UnsupportedMediaType", "The content media type '%s' is not supported. Only 'application/json' is supported." % self.headers.get("Content-Type"))
        try:
            return json.loads(body or b"{}")
        except ValueError:
            raise ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")

    def _monitor_headers(self, op, kind):
        url = "%s/subscriptions/%s/providers/Sebs.Fake/operations/%s" % (FAKE.base, FAKE.args.subscription, op)
        retry = {"Retry-After": "1"} if FAKE.args.op_delay >= 1 else {}
        return dict({"Azure-AsyncOperation": url + "?api-version=2024-04-01"} if kind == "async" else {"Location": url + "/result?api-version=2024-04-01"}, **retry)

    def _operation(self, op, result):
        entry = FAKE.operations.get(op)
        if entry is None:
            raise ArmError(404, "OperationNotFound", "The operation '%s' was not found." % op)
        done_at, value, error = entry
        finished = time.time() >= done_at
        if result:   # Location monitor: 202 while running, then the result
            if not finished:
                return self._send(202, None, {"Location": self.path, "Retry-After": "1"} if FAKE.args.op_delay >= 1 else {"Location": self.path})
            if error:
                return self._send(error[0], {"error": {"code": error[1], "message": error[2]}})
            return self._send(200, value) if value is not None else self._send(204)
        if not finished:
            return self._send(200, {"id": op, "name": op, "status": "InProgress", "startTime": now_iso()})
        if error:
            return self._send(200, {"id": op, "name": op, "status": "Failed", "error": {"code": error[1], "message": error[2]}})
        return self._send(200, {"id": op, "name": op, "status": "Succeeded", "endTime": now_iso()})

    def _put(self, rtype, rid, name, group_id, existing, body):
        location = body.get("location")
        if not location:
            raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
        resource = {"id": rid, "name": name, "type": {"resourcegroups": "Microsoft.Resources/resourceGroups"}.get(rtype, rtype), "location": location,
                    "tags": body.get("tags", {}), "properties": dict(body.get("properties") or {})}
        for k in ("kind", "sku"):
            if k in body:
                resource[k] = body[k]
        resource["properties"]["provisioningState"] = "Succeeded"
        status = 200 if existing else 201
        if rtype == "resourcegroups":
            FAKE.resources[rid.lower()] = resource
            return self._send(status, resource)
        if rtype == "microsoft.storage/storageaccounts":
            if not re.fullmatch(r"[a-z0-9]{3,24}", name):
                raise ArmError(400, "AccountNameInvalid", "%s is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only." % name)
            if body.get("kind") not in ("StorageV2", "Storage", "BlobStorage") or not (body.get("sku") or {}).get("name"):
                raise ArmError(400, "InvalidRequestContent", "kind and sku.name are required.")
            endpoint = FAKE.args.blob_endpoint.replace("{account}", name).rstrip("/") + "/"
            resource["properties"]["primaryEndpoints"] = {"blob": endpoint}
            FAKE.resources[rid.lower()] = resource
            # Storage accounts are created asynchronously: 202 + Location, an empty body (facts A5).
            return self._send(202, None, self._monitor_headers(FAKE.operation(), "location"))
        if rtype == "microsoft.operationalinsights/workspaces":
            resource["properties"]["customerId"] = str(uuid.uuid4())
            FAKE.resources[rid.lower()] = resource
            return self._send(status, resource, self._monitor_headers(FAKE.operation(), "async"))
        if rtype == "microsoft.insights/components":
            if body.get("kind") is None or resource["properties"].get("Application_Type") is None:
                raise ArmError(400, "BadRequest", "kind and properties.Application_Type are required.")
            ws = resource["properties"].get("WorkspaceResourceId")
            if not ws or ws.lower() not in FAKE.resources:
                raise ArmError(400, "BadRequest", "Workspace-based Application Insights needs an existing WorkspaceResourceId (classic resources are retired).")
            appid = existing["properties"]["AppId"] if existing else str(uuid.uuid4())
            ikey = existing["properties"]["InstrumentationKey"] if existing else str(uuid.uuid4())
            resource["properties"].update({"AppId": appid, "InstrumentationKey": ikey, "ApplicationId": name,
                "ConnectionString": "InstrumentationKey=%s;IngestionEndpoint=%s/ingest/;ApplicationId=%s" % (ikey, FAKE.base, appid)})
            FAKE.resources[rid.lower()] = resource
            return self._send(status, resource)
        if rtype == "microsoft.web/serverfarms":
            sku = body.get("sku") or {}
            flex = sku.get("name") == "FC1"
            if flex and sku.get("tier") != "FlexConsumption" or sku.get("name") == "Y1" and sku.get("tier") != "Dynamic" or sku.get("name") not in ("FC1", "Y1"):
                raise ArmError(400, "BadRequest", "The pricing tier '%s/%s' is not allowed for function apps here (FC1/FlexConsumption or Y1/Dynamic)." % (sku.get("name"), sku.get("tier")))
            if resource["properties"].get("reserved") is not True:
                raise ArmError(400, "BadRequest", "Linux plans need properties.reserved = true.")
            FAKE.resources[rid.lower()] = resource
            return self._send(status, resource)
        if rtype == "microsoft.web/sites":
            return self._put_site(rid, name, existing, body, resource, status)
        if rtype == "microsoft.documentdb/databaseaccounts":
            props = resource["properties"]
            if body.get("kind") != "GlobalDocumentDB" or props.get("databaseAccountOfferType") != "Standard" or not props.get("locations"):
                raise ArmError(400, "BadRequest", "kind GlobalDocumentDB, databaseAccountOfferType Standard and locations are required.")
            props["documentEndpoint"] = "%s/cosmos/%s/" % (FAKE.base, name)
            props["provisioningState"] = "Creating"
            FAKE.cosmos.setdefault(name, {"key": base64.b64encode(secrets.token_bytes(48)).decode(), "dbs": {},
                                          "serverless": any(c.get("name") == "EnableServerless" for c in props.get("capabilities") or [])})
            FAKE.resources[rid.lower()] = resource
            done = dict(resource, properties=dict(props, provisioningState="Succeeded"))
            threading.Timer(FAKE.args.op_delay, lambda: FAKE.resources.__setitem__(rid.lower(), done) if rid.lower() in FAKE.resources else None).start()
            return self._send(200, resource, self._monitor_headers(FAKE.operation(), "async"))

    def _put_site(self, rid, name, existing, body, resource, status):
        kind = body.get("kind", "")
        props = resource["properties"]
        if "functionapp" not in kind or "linux" not in kind:
            raise ArmError(400, "BadRequest", "Only Linux function apps (kind 'functionapp,linux') are supported here, not '%s'." % kind)
        farm = FAKE.resources.get((props.get("serverFarmId") or "").lower())
        if farm is None:
            raise ArmError(404, "NotFound", "Cannot find ServerFarm with name %s." % (props.get("serverFarmId") or "").split("/")[-1])
        others = [a for a in FAKE.apps.values() if a.body["properties"]["serverFarmId"].lower() == farm["id"].lower() and a.name.lower() != name.lower()]
        settings = {s["name"]: s["value"] for s in (props.get("siteConfig") or {}).get("appSettings") or []}
        flex = farm["sku"]["name"] == "FC1"
        if flex:
            if others:
                raise ArmError(400, "BadRequest", "A Flex Consumption plan hosts one app; %s already has %s." % (farm["name"], others[0].name))
            cfg = props.get("functionAppConfig")
            if not isinstance(cfg, dict):
                raise ArmError(400, "BadRequest", "Flex Consumption apps need properties.functionAppConfig.")
            storage = ((cfg.get("deployment") or {}).get("storage") or {})
            auth = storage.get("authentication") or {}
            if storage.get("type") != "blobContainer" or not str(storage.get("value", "")).startswith(("http://", "https://")):
                raise ArmError(400, "BadRequest", "functionAppConfig.deployment.storage must be a blobContainer with a URL value.")
            if auth.get("type") == "StorageAccountConnectionString" and auth.get("storageAccountConnectionStringName") not in settings:
                raise ArmError(400, "BadRequest", "The app setting '%s' named by functionAppConfig.deployment.storage.authentication is missing." % auth.get("storageAccountConnectionStringName"))
            scale = cfg.get("scaleAndConcurrency") or {}
            if scale.get("instanceMemoryMB", 2048) not in FLEX_MEMORY:
                raise ArmError(400, "BadRequest", "InstanceMemoryMB %s is invalid. Valid values are 512, 2048, 4096." % scale.get("instanceMemoryMB"))
            if not 40 <= scale.get("maximumInstanceCount", 100) <= 1000:
                raise ArmError(400, "BadRequest", "MaximumInstanceCount must be between 40 and 1000.")
            runtime = cfg.get("runtime") or {}
            if runtime.get("version") not in FLEX_RUNTIMES.get(runtime.get("name"), ()):
                raise ArmError(400, "BadRequest", "Runtime %s %s is not supported on Flex Consumption." % (runtime.get("name"), runtime.get("version")))
            bad = [k for k in settings if k in FLEX_FORBIDDEN or k.startswith("WEBSITE_CONTENT")]
            if bad:
                raise ArmError(400, "BadRequest", "The following app setting(s) are not supported on Flex Consumption: %s." % ", ".join(bad))
        else:
            if "functionAppConfig" in props:
                raise ArmError(400, "BadRequest", "functionAppConfig is only supported on Flex Consumption plans.")
            if not (props.get("siteConfig") or {}).get("linuxFxVersion"):
                raise ArmError(400, "BadRequest", "Linux Consumption apps need siteConfig.linuxFxVersion.")
            if settings.get("FUNCTIONS_WORKER_RUNTIME") not in ("python", "node"):
                raise ArmError(400, "BadRequest", "FUNCTIONS_WORKER_RUNTIME must be set on Linux Consumption.")
        props.pop("siteConfig", None)
        props.update({"state": "Running", "defaultHostName": "%s.azurewebsites.net" % name, "enabledHostNames": ["%s.azurewebsites.net" % name, "%s.scm.azurewebsites.net" % name],
                      "hostNameSslStates": [{"name": "%s.azurewebsites.net" % name, "hostType": "Standard"}, {"name": "%s.scm.azurewebsites.net" % name, "hostType": "Repository"}]})
        resource["kind"] = kind
        FAKE.resources[rid.lower()] = resource
        app = FAKE.apps.get(name.lower())
        if app is None:
            app = FAKE.apps[name.lower()] = App(name, rid, resource)
        app.body = resource
        app.settings = settings
        # Creating a site is a long-running operation (201 + Azure-AsyncOperation).
        return self._send(status, resource, self._monitor_headers(FAKE.operation(), "async"))

    def _patch(self, rtype, rid, existing, body):
        if rtype != "microsoft.web/sites":
            raise ArmError(405, "MethodNotAllowed", "PATCH is not supported for %s here." % rtype)
        app = FAKE.app_for(existing["name"])
        self._busy(app)
        scale = (((body.get("properties") or {}).get("functionAppConfig") or {}).get("scaleAndConcurrency") or {})
        if scale:
            if not app.flex():
                raise ArmError(400, "BadRequest", "functionAppConfig is only supported on Flex Consumption plans.")
            if scale.get("instanceMemoryMB", 2048) not in FLEX_MEMORY:
                raise ArmError(400, "BadRequest", "InstanceMemoryMB %s is invalid. Valid values are 512, 2048, 4096." % scale.get("instanceMemoryMB"))
            cur = existing["properties"]["functionAppConfig"].setdefault("scaleAndConcurrency", {})
            if cur.get("instanceMemoryMB") != scale.get("instanceMemoryMB", cur.get("instanceMemoryMB")):
                FAKE.recycle(app)
            cur.update(scale)
        return self._send(200, existing)

    def _busy(self, app):
        """A recycle still running: App Service answers 409 to changes until it is done."""
        FAKE.settle(app)
        if app.restart_at is not None and FAKE.args.conflict_while_restarting:
            raise ArmError(409, "Conflict", "There was a conflict. Another operation is in progress on the site '%s'. Please retry later." % app.name)

    def _arm_delete(self, rtype, rid, existing):
        if existing is None:
            return self._send(204)
        if rtype == "resourcegroups":
            prefix = rid.lower() + "/"
            def drop():
                for k in [k for k in FAKE.resources if k.startswith(prefix) or k == rid.lower()]:
                    gone = FAKE.resources.pop(k, None)
                    if gone and "/microsoft.documentdb/databaseaccounts/" in k:
                        FAKE.cosmos.pop(gone["name"], None)
                for name, app in list(FAKE.apps.items()):
                    if app.id.lower().startswith(prefix):
                        for inst in app.instances:
                            inst.kill()
                        FAKE.apps.pop(name)
            op = FAKE.operation()
            threading.Timer(FAKE.args.op_delay, drop).start()
            return self._send(202, None, self._monitor_headers(op, "location"))
        if rtype == "microsoft.web/serverfarms":
            users = [a.name for a in FAKE.apps.values() if a.body["properties"]["serverFarmId"].lower() == rid.lower()]
            if users:
                raise ArmError(409, "Conflict", "Server farm '%s' cannot be deleted because it has web app(s) %s assigned to it." % (existing["name"], ", ".join(users)))
        if rtype == "microsoft.web/sites":
            app = FAKE.apps.pop(existing["name"].lower(), None)
            if app:
                for inst in app.instances:
                    inst.kill()
        FAKE.resources.pop(rid.lower(), None)
        return self._send(200)

    def _arm_child(self, rtype, rid, name, sub, body):
        if rid.lower() not in FAKE.resources:
            raise ArmError(404, "ResourceNotFound", "The Resource '%s' was not found." % rid)
        action = "/".join(sub).lower()
        if rtype == "microsoft.storage/storageaccounts" and action == "listkeys" and self.command == "POST":
            return self._send(200, {"keys": [{"keyName": "key1", "value": FAKE.args.storage_key, "permissions": "FULL"},
                                             {"keyName": "key2", "value": base64.b64encode(b"second-key-unused-in-tests").decode(), "permissions": "FULL"}]})
        if rtype == "microsoft.documentdb/databaseaccounts" and action == "listkeys" and self.command == "POST":
            key = FAKE.cosmos[name]["key"]
            return self._send(200, {"primaryMasterKey": key, "secondaryMasterKey": base64.b64encode(b"unused").decode(),
                                    "primaryReadonlyMasterKey": base64.b64encode(b"unused-ro").decode()})
        if rtype != "microsoft.web/sites":
            raise ArmError(404, "NotFound", "No such action '%s'." % action)
        app = FAKE.app_for(name)
        FAKE.settle(app)
        if action == "config/appsettings/list" and self.command == "POST":
            return self._send(200, {"id": rid + "/config/appsettings", "name": "appsettings", "type": "Microsoft.Web/sites/config", "properties": app.settings})
        if action == "config/appsettings" and self.command == "PUT":
            self._busy(app)
            props = self._json(body).get("properties")
            if not isinstance(props, dict) or not all(isinstance(v, str) for v in props.values()):
                raise ArmError(400, "BadRequest", "properties must be an object of string values.")
            if app.flex():
                bad = [k for k in props if k in FLEX_FORBIDDEN]
                if bad:
                    raise ArmError(400, "BadRequest", "The following app setting(s) are not supported on Flex Consumption: %s." % ", ".join(bad))
            changed = props != app.settings
            app.settings = dict(props)      # the PUT replaces the whole set
            if changed:
                FAKE.recycle(app)           # a settings change recycles the app
                if not app.flex() and "WEBSITE_RUN_FROM_PACKAGE" in props:
                    app.code_dir = None     # Y1 loads the new package on restart (or syncfunctiontriggers)
            return self._send(200, {"id": rid + "/config/appsettings", "name": "appsettings", "properties": app.settings})
        if action == "syncfunctiontriggers" and self.command == "POST":
            if not app.flex():
                self._load_package_url(app)
            return self._send(204)
        if action == "host/default/listkeys" and self.command == "POST":
            return self._send(200, {"masterKey": app.master_key, "functionKeys": {"default": secrets.token_urlsafe(24)}, "systemKeys": {}})
        if action == "functions/handler" and self.command == "GET":
            if not app.flex() and app.code_dir is None and "WEBSITE_RUN_FROM_PACKAGE" in app.settings:
                self._load_package_url(app)
            if app.code_dir is None or not os.path.exists(os.path.join(app.code_dir, "handler", "function.json")):
                raise ArmError(404, "NotFound", "Error retrieving function 'handler' of site '%s'." % app.name)
            with open(os.path.join(app.code_dir, "handler", "function.json")) as f:
                config = json.load(f)
            auth = [b for b in config.get("bindings", []) if b.get("type") == "httpTrigger"]
            invoke = "%s/app/%s/api/handler" % (FAKE.base, app.name)
            return self._send(200, {"id": rid + "/functions/handler", "name": "%s/handler" % app.name, "type": "Microsoft.Web/sites/functions",
                                    "properties": {"name": "handler", "invoke_url_template": invoke, "config": config, "isDisabled": False,
                                                   "language": "python" if app.runtime_name() == "python" else "node",
                                                   "authLevel": auth[0].get("authLevel") if auth else None}})
        raise ArmError(404, "NotFound", "No such action '%s' on a site." % action)

    def _load_package_url(self, app):
        """Y1: the host downloads WEBSITE_RUN_FROM_PACKAGE (a blob SAS URL) and runs from it."""
        url = app.settings.get("WEBSITE_RUN_FROM_PACKAGE")
        if not url or url == "1":
            return
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                data = r.read()
        except Exception as exc:  # noqa: BLE001
            raise ArmError(400, "BadRequest", "Cannot download WEBSITE_RUN_FROM_PACKAGE: %s" % exc)
        app.code_dir = self._unzip(app, data)

    def _unzip(self, app, data):
        target = tempfile.mkdtemp(prefix="code-%s-" % app.name, dir=FAKE.work)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            z.extractall(target)
        return target

    # ---- SCM ---------------------------------------------------------------------------------------
    def _scm(self, path, query, body):
        parts = path.strip("/").split("/")
        app = FAKE.apps.get(parts[1].lower()) if len(parts) > 1 else None
        if app is None:
            return self._send(404, raw=b"Site not found", content_type="text/plain")
        aud, code, message = FAKE.audience_of(self.headers)
        if aud != ARM_AUDIENCE:
            return self._send(401, raw=b"Unauthorized", content_type="text/plain")
        rest = "/".join(parts[2:])
        if rest == "api/zipdeploy":
            return self._send(404 if app.flex() else 400, {"Message": "ZipDeploy is not supported on Flex Consumption; use /api/publish (One Deploy)."})
        if rest == "api/publish" and self.command == "POST":
            if not app.flex():
                return self._send(400, {"Message": "One Deploy to Linux Consumption needs WEBSITE_RUN_FROM_PACKAGE."})
            if (self.headers.get("Content-Type") or "").split(";")[0] != "application/zip":
                return self._send(415, {"Message": "Content-Type must be application/zip."})
            if query.get("RemoteBuild", "").lower() not in ("false", "true"):
                return self._send(400, {"Message": "RemoteBuild must be true or false."})
            if any(d["app"] == app.name and d["status"] < 3 for d in FAKE.deployments.values()):
                return self._send(409, {"Message": "There is a deployment currently in progress. Please try again when it completes."})
            dep_id = str(uuid.uuid4())
            FAKE.deployments[dep_id] = {"app": app.name, "status": 0, "status_text": "", "polls": 0}
            threading.Thread(target=self._run_deployment, args=(app, dep_id, body), daemon=True).start()
            return self._send(202, dep_id, {"Location": "%s/scm/%s/api/deployments/%s" % (FAKE.base, app.name, dep_id)})
        m = re.fullmatch(r"api/deployments/([0-9a-f-]+)", rest)
        if m and self.command == "GET":
            d = FAKE.deployments.get(m.group(1))
            if d is None:
                return self._send(404, {"Message": "Deployment not found."})
            d["polls"] += 1
            if d["polls"] == 1:
                return self._send(404, {"Message": "Deployment not found."})   # the early 404 (facts A1)
            return self._send(200, {"id": m.group(1), "status": d["status"], "status_text": d["status_text"], "complete": d["status"] >= 3,
                                    "active": d["status"] == 4, "site_name": app.name, "received_time": now_iso()})
        return self._send(404, {"Message": "No route for %s" % rest})

    def _run_deployment(self, app, dep_id, data):
        d = FAKE.deployments[dep_id]
        step = FAKE.args.op_delay / 3
        for status in (1, 2):
            time.sleep(step)
            d["status"] = status
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
            if "host.json" not in names:
                raise ValueError("host.json is missing at the root of the package")
            if not any(n.endswith("/function.json") for n in names):
                raise ValueError("no function folder with a function.json")
            code = self._unzip(app, data)
        except (zipfile.BadZipFile, ValueError) as exc:
            time.sleep(step)
            d.update(status=3, status_text="Deployment failed: %s" % exc)
            return
        time.sleep(step)
        with app.lock:
            app.code_dir = code
            for inst in app.instances:
                inst.kill()
            app.instances = []
            app.host_started = time.time()
        d.update(status=4, status_text="Deployment successful.")

    # ---- Functions host ------------------------------------------------------------------------------
    def _host(self, path, query, body):
        parts = path.strip("/").split("/")
        app = FAKE.apps.get(parts[1].lower()) if len(parts) > 1 else None
        if app is None:
            return self._send(404, raw=b"", content_type="text/html")
        FAKE.settle(app)
        rest = "/".join(parts[2:])
        if rest == "admin/host/status":
            if self.headers.get("x-functions-key") != app.master_key:
                return self._send(401, raw=b"")
            return self._send(200, {"id": app.name, "state": "Running", "version": "4.1040.300.25317", "instanceId": secrets.token_hex(16),
                                    "computerName": "fake", "processUptime": int((time.time() - app.host_started) * 1000)})
        if rest != "api/handler":
            return self._send(404, raw=b"", content_type="text/html")
        if app.code_dir is None:
            return self._send(404, raw=b"", content_type="text/html")
        with open(os.path.join(app.code_dir, "handler", "function.json")) as f:
            spec = json.load(f)
        trig = [b for b in spec.get("bindings", []) if b.get("type") == "httpTrigger"]
        if not trig or self.command.lower() not in [m.lower() for m in trig[0].get("methods", ["get", "post"])]:
            return self._send(404, raw=b"", content_type="text/html")
        if trig[0].get("authLevel", "function") != "anonymous" and query.get("code") != app.master_key and self.headers.get("x-functions-key") != app.master_key:
            return self._send(401, raw=b"")
        started = time.time()
        invocation_id = str(uuid.uuid4())
        with app.lock:
            idle = [i for i in app.instances if not i.busy and i.proc.poll() is None]
            inst = idle[-1] if idle else None
            if inst:
                inst.busy = True
        cold = inst is None
        if cold:
            inst = Instance(FAKE, app, app.code_dir)
            inst.busy = True
            with app.lock:
                app.instances.append(inst)
        app.invocations += 1
        timeout = self._timeout(app)
        if inst.init_error:
            result = {"error": inst.init_error, "function_ms": 0}
        else:
            result = inst.call({"invocation_id": invocation_id, "method": self.command, "url": FAKE.base + self.path,
                                "headers": dict(self.headers.items()), "params": query, "body_b64": base64.b64encode(body).decode()}, timeout)
        inst.busy = False
        duration = (time.time() - started) * 1000
        if result is None:
            with app.lock:
                if inst in app.instances:
                    app.instances.remove(inst)
            FAKE.telemetry_row(app, invocation_id, started, duration, timeout * 1000, 500, cold)
            return self._send(500, raw=b"", content_type="text/plain")
        if "error" in result:
            FAKE.telemetry_row(app, invocation_id, started, duration, result.get("function_ms", 0), 500, cold)
            return self._send(500, raw=b"", content_type="text/plain")
        FAKE.telemetry_row(app, invocation_id, started, duration, result["function_ms"], result["status"], cold)
        headers = {k: v for k, v in (result.get("headers") or {}).items() if k.lower() not in ("content-length", "content-type")}
        ctype = next((v for k, v in (result.get("headers") or {}).items() if k.lower() == "content-type"), "text/plain")
        return self._send(result["status"], raw=base64.b64decode(result["body_b64"]), headers=headers, content_type=ctype)

    def _timeout(self, app):
        text = self._host_json(app).get("functionTimeout", "00:10:00")
        h, m, s = (float(x) for x in text.split(":"))
        return h * 3600 + m * 60 + s

    # ---- Cosmos DB for NoSQL REST (master-key authorization) --------------------------------------------
    def _cosmos(self, path, body):
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        account = FAKE.cosmos.get(parts[1]) if len(parts) > 1 else None
        def err(status, code, message):
            self._send(status, {"code": code, "message": message})
        if account is None:
            return err(404, "NotFound", "Account not found.")
        rest = parts[2:]
        if not rest or rest[0] != "dbs":
            here = [{"name": "West Europe", "databaseAccountEndpoint": "%s/cosmos/%s/" % (FAKE.base, parts[1])}]
            return self._send(200, {"_self": "", "id": parts[1], "_rid": "%s.documents.azure.com" % parts[1], "media": "//media/", "addresses": "//addresses/",
                                    "_dbs": "//dbs/", "writableLocations": here, "readableLocations": here, "enableMultipleWriteLocations": False,
                                    "userReplicationPolicy": {"asyncReplication": False, "minReplicaSetSize": 1, "maxReplicasetSize": 4},
                                    "userConsistencyPolicy": {"defaultConsistencyLevel": "Session"},
                                    "systemReplicationPolicy": {"minReplicaSetSize": 1, "maxReplicasetSize": 4},
                                    "readPolicy": {"primaryReadCoefficient": 1, "secondaryReadCoefficient": 1},
                                    "queryEngineConfiguration": json.dumps({"maxSqlQueryInputLength": 262144, "maxJoinsPerSqlQuery": 5, "maxLogicalAndPerSqlQuery": 500,
                                                                            "maxLogicalOrPerSqlQuery": 500, "maxUdfRefPerSqlQuery": 10, "maxInExpressionItemsCount": 16000,
                                                                            "queryMaxInMemorySortDocumentCount": 500, "maxQueryRequestTimeoutFraction": 0.9,
                                                                            "sqlAllowNonFiniteNumbers": False, "sqlAllowAggregateFunctions": True,
                                                                            "sqlAllowSubQuery": True, "sqlAllowScalarSubQuery": True, "allowNewKeywords": True,
                                                                            "sqlAllowLike": True, "sqlAllowGroupByClause": True, "maxSpatialQueryCells": 12,
                                                                            "spatialMaxGeometryPointCount": 256, "sqlDisableOptimizationFlags": 0,
                                                                            "sqlAllowTop": True, "enableSpatialIndexing": True})})
        rtype, link = (rest[-1], "/".join(rest[:-1])) if len(rest) % 2 == 1 else (rest[-2], "/".join(rest))
        date = self.headers.get("x-ms-date", "")
        auth = urllib.parse.unquote(self.headers.get("authorization", ""))
        try:
            sent = datetime.strptime(date, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return err(401, "Unauthorized", "The request date is missing or malformed (x-ms-date).")
        if abs(time.time() - sent) > 900:
            return err(403, "Forbidden", "The authorization token is not valid at the current time.")
        if not self.headers.get("x-ms-version"):
            return err(400, "BadRequest", "x-ms-version is required.")
        text = "%s\n%s\n%s\n%s\n\n" % (self.command.lower(), rtype.lower(), link, date.lower())
        sig = base64.b64encode(hmac.new(base64.b64decode(account["key"]), text.encode(), hashlib.sha256).digest()).decode()
        if auth != "type=master&ver=1.0&sig=" + sig:
            return err(401, "Unauthorized", "The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol.")
        dbs = account["dbs"]
        def meta(doc, self_link):
            doc.update({"_rid": secrets.token_urlsafe(6), "_self": self_link, "_etag": '"%s"' % uuid.uuid4(), "_ts": int(time.time()), "_attachments": "attachments/"})
            return doc
        try:
            req = json.loads(body) if body else {}
        except ValueError:
            return err(400, "BadRequest", "The request payload is invalid.")
        if rest == ["dbs"] and self.command == "POST":
            if req.get("id") in dbs:
                return err(409, "Conflict", "Entity with the specified id already exists in the system.")
            dbs[req["id"]] = {}
            return self._send(201, meta({"id": req["id"]}, "dbs/%s/" % req["id"]))
        if len(rest) < 2 or rest[1] not in dbs:
            return err(404, "NotFound", "Resource Not Found. Database %s does not exist." % (rest[1] if len(rest) > 1 else ""))
        colls = dbs[rest[1]]
        if len(rest) == 2 and self.command == "GET":
            return self._send(200, meta({"id": rest[1]}, "dbs/%s/" % rest[1]))
        if len(rest) == 4 and rest[2] == "colls" and self.command == "GET":
            if rest[3] not in colls:
                return err(404, "NotFound", "Resource Not Found. Container %s does not exist." % rest[3])
            coll = colls[rest[3]]
            return self._send(200, dict(coll["props"], _rid=coll["rid"], _self="dbs/%s/colls/%s/" % (rest[1], rest[3])))
        if rest[2:] == ["colls"] and self.command == "POST":
            paths = (req.get("partitionKey") or {}).get("paths") or []
            if len(paths) != 1:
                return err(400, "BadRequest", "A container needs exactly one partition key path.")
            if req.get("id") in colls:
                return err(409, "Conflict", "Entity with the specified id already exists in the system.")
            props = {"id": req["id"], "partitionKey": dict(req["partitionKey"], kind=req["partitionKey"].get("kind", "Hash")),
                     "indexingPolicy": req.get("indexingPolicy") or {"indexingMode": "consistent", "automatic": True}}
            colls[req["id"]] = {"pk": paths[0].lstrip("/"), "docs": {}, "props": props,
                                "rid": base64.b64encode(secrets.token_bytes(8)).decode().replace("/", "-")}
            return self._send(201, dict(props, _rid=colls[req["id"]]["rid"], _self="dbs/%s/colls/%s/" % (rest[1], req["id"])))
        if len(rest) < 5 or rest[2] != "colls" or rest[3] not in colls or rest[4] != "docs":
            return err(404, "NotFound", "Resource Not Found.")
        coll = colls[rest[3]]
        try:
            pk = json.loads(self.headers.get("x-ms-documentdb-partitionkey", "null"))
        except ValueError:
            return err(400, "BadRequest", "x-ms-documentdb-partitionkey is not a JSON array.")
        if not (isinstance(pk, list) and len(pk) == 1):
            return err(400, "BadRequest", "The partition key supplied in x-ms-documentdb-partitionkey header has fewer components than defined in the collection.")
        pkv = pk[0]
        docs = coll["docs"]
        if len(rest) == 5 and self.command == "POST" and self.headers.get("x-ms-documentdb-isquery", "").lower() == "true":
            if (self.headers.get("Content-Type") or "").split(";")[0] != "application/query+json":
                return err(400, "BadRequest", "Queries need Content-Type application/query+json.")
            if re.sub(r"\s+", " ", req.get("query", "").strip()) not in ("SELECT * FROM c", "select * from c"):
                return err(400, "BadRequest", "This fake answers only 'SELECT * FROM c' within one partition.")
            found = [d for (p, _), d in sorted(docs.items(), key=lambda kv: str(kv[0][1])) if p == json.dumps(pkv)]
            return self._send(200, {"_rid": "x", "Documents": found, "_count": len(found)})
        if len(rest) == 5 and self.command == "POST":
            if not isinstance(req.get("id"), str) or not req["id"]:
                return err(400, "BadRequest", "The input content is invalid because the required properties - 'id; ' - are missing")
            if req.get(coll["pk"]) != pkv:
                return err(400, "BadRequest", "PartitionKey extracted from document doesn't match the one specified in the header.")
            key = (json.dumps(pkv), req["id"])
            upsert = self.headers.get("x-ms-documentdb-is-upsert", "").lower() == "true"
            if key in docs and not upsert:
                return err(409, "Conflict", "Entity with the specified id already exists in the system.")
            status = 200 if key in docs else 201
            docs[key] = meta(dict(req), "docs/%s" % req["id"])
            return self._send(status, docs[key])
        if len(rest) == 6:
            key = (json.dumps(pkv), rest[5])
            if self.command == "GET":
                return self._send(200, docs[key]) if key in docs else err(404, "NotFound", "Entity with the specified id does not exist in the system.")
            if self.command == "PUT":
                if key not in docs:
                    return err(404, "NotFound", "Entity with the specified id does not exist in the system.")
                docs[key] = meta(dict(req), "docs/%s" % rest[5])
                return self._send(200, docs[key])
            if self.command == "DELETE":
                return self._send(204) if docs.pop(key, None) is not None else err(404, "NotFound", "Entity with the specified id does not exist in the system.")
        return err(405, "MethodNotAllowed", "Not supported here.")

    # ---- Application Insights query API ---------------------------------------------------------------
    def _insights(self, path, body):
        aud, code, message = FAKE.audience_of(self.headers)
        if self.headers.get("x-api-key"):
            return self._send(401, {"error": {"code": "InvalidApiKey", "message": "API key authentication is no longer supported; use Microsoft Entra ID."}})
        if aud is None:
            return self._send(401, {"error": {"code": "AuthorizationRequiredError", "message": "Valid authentication was not provided"}})
        if aud != INSIGHTS_AUDIENCE:
            return self._send(403, {"error": {"code": "InvalidTokenError", "message": "The provided authentication is not valid for this resource (audience %s)." % aud}})
        m = re.fullmatch(r"/v1/apps/([^/]+)/query", path)
        if not m or self.command != "POST":
            return self._send(404, {"error": {"code": "PathNotFoundError", "message": "The requested path does not exist"}})
        appid = m.group(1)
        if not any(r.get("properties", {}).get("AppId") == appid for r in FAKE.resources.values()):
            return self._send(404, {"error": {"code": "ApplicationNotFoundError", "message": "The application could not be found"}})
        try:
            req = json.loads(body)
        except ValueError:
            return self._send(400, {"error": {"code": "BadArgumentError", "message": "The request had some invalid properties"}})
        try:
            columns, rows = self._kql(appid, req.get("query", ""), req.get("timespan"))
        except ValueError as exc:
            return self._send(400, {"error": {"code": "BadArgumentError", "message": "Failed to resolve the query",
                                              "innererror": {"code": "SemanticError", "message": str(exc)}}})
        self._send(200, {"tables": [{"name": "PrimaryResult", "columns": columns, "rows": rows}]})

    def _kql(self, appid, query, timespan):
        """The subset of KQL SeBS's query uses: requests | where cloud_RoleName ==/=~ 'x' | project a, b=customDimensions['K']."""
        stages = [s.strip() for s in query.split("|")]
        if not stages or stages[0] != "requests":
            raise ValueError("Only the 'requests' table is available in this fake.")
        begin, end = self._timespan(timespan)
        rows = [r for r in FAKE.telemetry if r["appId"] == appid and r["visible_at"] <= time.time()
                and begin <= datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() <= end]
        project = None
        for stage in stages[1:]:
            w = re.fullmatch(r"where\s+(\w+)\s*(==|=~)\s*'([^']*)'", stage)
            if w:
                col, op, value = w.groups()
                rows = [r for r in rows if (str(r.get(col)) == value if op == "==" else str(r.get(col)).lower() == value.lower())]
                continue
            p = re.fullmatch(r"project\s+(.+)", stage, re.S)
            if p:
                project = [c.strip() for c in p.group(1).split(",")]
                continue
            raise ValueError("Unsupported query stage '%s'." % stage)
        types = {"timestamp": "datetime", "operation_Name": "string", "success": "bool", "resultCode": "string", "duration": "real", "cloud_RoleName": "string"}
        cols, getters = [], []
        for item in project or list(types):
            name, _, expr = item.partition("=")
            name, expr = name.strip(), (expr or item).strip()
            dim = re.fullmatch(r"customDimensions\['(\w+)'\]", expr)
            if dim:
                cols.append({"name": name, "type": "dynamic"})
                getters.append(lambda r, k=dim.group(1): r["customDimensions"].get(k))
            elif expr in types:
                cols.append({"name": name, "type": types[expr]})
                getters.append(lambda r, k=expr: r[k])
            else:
                raise ValueError("'project' operator: Failed to resolve scalar expression named '%s'" % expr)
        return cols, [[g(r) for g in getters] for r in rows]

    def _timespan(self, timespan):
        if not timespan:
            return time.time() - 86400, time.time()
        if "/" in timespan:
            a, b = timespan.split("/", 1)
            parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
            return parse(a), parse(b)
        m = re.fullmatch(r"PT(\d+)H", timespan)
        if m:
            return time.time() - int(m.group(1)) * 3600, time.time()
        raise ValueError("Invalid timespan '%s'." % timespan)


def main():
    global FAKE
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tenant", default="11111111-2222-3333-4444-555555555555")
    p.add_argument("--client-id", default="sebs-test-client")
    p.add_argument("--client-secret", default="sebs-test-secret")
    p.add_argument("--subscription", default="00000000-0000-0000-0000-00000000beef")
    p.add_argument("--storage-key", required=True, help="the key listKeys returns (the emulator's account key)")
    p.add_argument("--blob-endpoint", required=True, help="blob endpoint template with {account}, e.g. http://127.0.0.1:10000/{account}")
    p.add_argument("--python", default="python3")
    p.add_argument("--node", default="node")
    p.add_argument("--op-delay", type=float, default=0.3)
    p.add_argument("--restart-delay", type=float, default=0.5)
    p.add_argument("--telemetry-delay", type=float, default=1.0)
    p.add_argument("--drop-cold-telemetry", action="store_true")
    p.add_argument("--conflict-while-restarting", action="store_true")
    p.add_argument("--function-env", action="append", default=[])
    p.add_argument("--log")
    args = p.parse_args()
    FAKE = Fake(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    FAKE.base = "http://127.0.0.1:%d" % server.server_address[1]

    def stop(*_):
        FAKE.stop()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Entra over TLS as well: MSAL (Azure.Identity) only talks to https authorities. A self-signed certificate for
    # 127.0.0.1 is made with the openssl CLI; its path is printed so clients can trust it (and only it).
    cert, key = os.path.join(FAKE.work, "entra.crt"), os.path.join(FAKE.work, "entra.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], check=True, capture_output=True)
    tls = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    FAKE.tls_base = "https://127.0.0.1:%d" % tls.server_address[1]
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    print("READY %d %d %s" % (server.server_address[1], tls.server_address[1], cert), flush=True)
    try:
        server.serve_forever()
    finally:
        FAKE.stop()


if __name__ == "__main__":
    main()
