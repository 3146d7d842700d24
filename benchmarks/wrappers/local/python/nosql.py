"""NoSQL shim for SeBS benchmarks on the local platform (standard library only).

API (SeBS): nosql.get_instance(); keys are (name, value) pairs.
  insert(table, primary_key, secondary_key, data)      upsert an item holding both key attributes
  get(table, primary_key, secondary_key) -> dict|None  one item (keys included)
  update(table, primary_key, secondary_key, updates)   set attributes (creates the item if missing)
  query(table, primary_key, secondary_key_name) -> list[dict]   the partition, ordered by the secondary key
  delete(table, primary_key, secondary_key)

Backends (the physical table name is NOSQL_STORAGE_TABLE_<table> when set, as in SeBS, else the table name):
  * DynamoDB-compatible (ScyllaDB Alternator, dynalite, DynamoDB) when NOSQL_STORAGE_ENDPOINT (host:port or a URL)
    is set: the JSON API (PutItem, GetItem, UpdateItem, Query with paging, DeleteItem) signed with Signature V4;
    credentials AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default dummy values), region NOSQL_STORAGE_REGION or
    AWS_REGION (default us-east-1). The tables must exist, keyed by the primary (HASH) and secondary (RANGE) keys.
  * Embedded JSON files under SEBS_NOSQL_DIR, one file per table (<dir>/<table>.json), written atomically and
    guarded by an flock so several servers can share the directory.
"""
import base64
import copy
import datetime
import fcntl
import hashlib
import hmac
import http.client
import json
import os
import re
import threading
import uuid


class NoSQLError(Exception):
    pass


def _key(value):
    return json.dumps(value, sort_keys=True)


class _JsonFiles:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)

    def _paths(self, table):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", table) or table in (".", ".."):
            raise NoSQLError("invalid table name: %r" % (table,))
        base = os.path.join(self.root, table)
        return base + ".json", base + ".lock"

    def _load(self, path):
        try:
            with open(path) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def read(self, table):
        data, lock = self._paths(table)
        with open(lock, "a") as lf:
            fcntl.flock(lf, fcntl.LOCK_SH)
            return self._load(data)

    def modify(self, table, change):
        data, lock = self._paths(table)
        with open(lock, "a") as lf:
            fcntl.flock(lf, fcntl.LOCK_EX)
            content = self._load(data)
            result = change(content)
            tmp = "%s.%s.tmp" % (data, uuid.uuid4().hex[:8])
            with open(tmp, "w") as f:
                json.dump(content, f)
            os.replace(tmp, data)
            return result


def _to_av(value):
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": repr(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (bytes, bytearray)):
        return {"B": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {"M": {str(k): _to_av(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [_to_av(v) for v in value]}
    raise TypeError("cannot store a %s in NoSQL" % type(value).__name__)


def _number(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def _from_av(av):
    (kind, value), = av.items()
    if kind == "S":
        return value
    if kind == "N":
        return _number(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _from_av(v) for k, v in value.items()}
    if kind == "L":
        return [_from_av(v) for v in value]
    if kind == "B":
        return base64.b64decode(value)
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {_number(v) for v in value}
    raise NoSQLError("unsupported attribute type %s" % kind)


def _item(attrs):
    return {k: _from_av(v) for k, v in attrs.items()}


class _Dynamo:
    """The DynamoDB JSON API (x-amz-json-1.0) over http.client, Signature V4 (service dynamodb)."""

    def __init__(self, endpoint, access_key, secret_key, region):
        self.secure = endpoint.startswith("https://")
        self.host = re.sub(r"^https?://", "", endpoint).rstrip("/")
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        self._tls = threading.local()

    def sign(self, target, body, amz_date=None):
        amz_date = amz_date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        date = amz_date[:8]
        headers = {"content-type": "application/x-amz-json-1.0", "host": self.host,
                   "x-amz-date": amz_date, "x-amz-target": target}
        names = sorted(headers)
        canonical = "\n".join(["POST", "/", "", "".join("%s:%s\n" % (n, headers[n]) for n in names),
                               ";".join(names), hashlib.sha256(body).hexdigest()])
        scope = "%s/%s/dynamodb/aws4_request" % (date, self.region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self.secret_key).encode()
        for part in (date, self.region, "dynamodb", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            self.access_key, scope, ";".join(names), signature)
        return headers

    def call(self, operation, payload):
        body = json.dumps(payload).encode()
        headers = self.sign("DynamoDB_20120810." + operation, body)
        for attempt in (0, 1):
            conn = getattr(self._tls, "conn", None)
            if conn is None or attempt:
                cls = http.client.HTTPSConnection if self.secure else http.client.HTTPConnection
                conn = self._tls.conn = cls(self.host, timeout=60)
            try:
                conn.request("POST", "/", body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                conn.close()
                self._tls.conn = None
                if attempt:
                    raise
        result = json.loads(data or b"{}")
        if resp.status >= 300:
            raise NoSQLError("DynamoDB %s: HTTP %d %s: %s" % (operation, resp.status, result.get("__type", ""),
                                                              result.get("message") or result.get("Message", "")))
        return result


class nosql:
    instance = None

    def __init__(self):
        endpoint = os.environ.get("NOSQL_STORAGE_ENDPOINT")
        root = os.environ.get("SEBS_NOSQL_DIR")
        if endpoint:
            self.dynamo = _Dynamo(endpoint, os.environ.get("AWS_ACCESS_KEY_ID") or "sebs",
                                  os.environ.get("AWS_SECRET_ACCESS_KEY") or "sebs",
                                  os.environ.get("NOSQL_STORAGE_REGION") or os.environ.get("AWS_REGION") or "us-east-1")
            self.backend = None
        elif root:
            self.dynamo = None
            self.backend = _JsonFiles(root)
        else:
            raise NoSQLError("no NoSQL storage configured: set NOSQL_STORAGE_ENDPOINT or SEBS_NOSQL_DIR")

    @staticmethod
    def get_instance(*_args, **_kwargs):
        if nosql.instance is None:
            nosql.instance = nosql()
        return nosql.instance

    @staticmethod
    def _table(table):
        return os.environ.get("NOSQL_STORAGE_TABLE_" + table) or table

    def insert(self, table, primary_key, secondary_key, data):
        item = dict(data)
        item[primary_key[0]] = primary_key[1]
        item[secondary_key[0]] = secondary_key[1]
        if self.dynamo:
            self.dynamo.call("PutItem", {"TableName": self._table(table), "Item": _to_av(item)["M"]})
            return

        def change(content):
            content.setdefault(_key(primary_key[1]), {})[_key(secondary_key[1])] = item
        self.backend.modify(self._table(table), change)

    def get(self, table, primary_key, secondary_key):
        if self.dynamo:
            res = self.dynamo.call("GetItem", {"TableName": self._table(table), "ConsistentRead": True,
                                               "Key": _to_av(dict([primary_key, secondary_key]))["M"]})
            return _item(res["Item"]) if "Item" in res else None
        part = self.backend.read(self._table(table)).get(_key(primary_key[1]), {})
        item = part.get(_key(secondary_key[1]))
        return copy.deepcopy(item) if item is not None else None

    def update(self, table, primary_key, secondary_key, updates):
        if self.dynamo:
            if not updates:
                return
            names, values, sets = {}, {}, []
            for i, (k, v) in enumerate(updates.items()):
                names["#a%d" % i] = k
                values[":v%d" % i] = _to_av(v)
                sets.append("#a%d = :v%d" % (i, i))
            self.dynamo.call("UpdateItem", {"TableName": self._table(table),
                                            "Key": _to_av(dict([primary_key, secondary_key]))["M"],
                                            "UpdateExpression": "SET " + ", ".join(sets),
                                            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values})
            return
        def change(content):
            part = content.setdefault(_key(primary_key[1]), {})
            item = part.setdefault(_key(secondary_key[1]),
                                   {primary_key[0]: primary_key[1], secondary_key[0]: secondary_key[1]})
            item.update(updates)
        self.backend.modify(self._table(table), change)

    def query(self, table, primary_key, secondary_key_name):
        if self.dynamo:
            items, start = [], None
            while True:
                req = {"TableName": self._table(table), "ConsistentRead": True,
                       "KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": {"#pk": primary_key[0]},
                       "ExpressionAttributeValues": {":pk": _to_av(primary_key[1])}}
                if start:
                    req["ExclusiveStartKey"] = start
                res = self.dynamo.call("Query", req)
                items.extend(_item(i) for i in res.get("Items", []))
                start = res.get("LastEvaluatedKey")
                if not start:
                    return items
        part = self.backend.read(self._table(table)).get(_key(primary_key[1]), {})
        items = list(part.values())
        try:
            items.sort(key=lambda i: i.get(secondary_key_name))
        except TypeError:  # mixed value types: keep a stable, deterministic order
            items.sort(key=lambda i: _key(i.get(secondary_key_name)))
        return items

    def delete(self, table, primary_key, secondary_key):
        if self.dynamo:
            self.dynamo.call("DeleteItem", {"TableName": self._table(table),
                                            "Key": _to_av(dict([primary_key, secondary_key]))["M"]})
            return
        def change(content):
            part = content.get(_key(primary_key[1]))
            if part is not None:
                part.pop(_key(secondary_key[1]), None)
                if not part:
                    del content[_key(primary_key[1])]
        self.backend.modify(self._table(table), change)
