"""NoSQL shim for SeBS benchmarks on Azure Functions: Cosmos DB for NoSQL over its REST API with master-key
authorization, standard library only. Environment (SeBS §4.4): NOSQL_STORAGE_URL (account endpoint),
NOSQL_STORAGE_CREDS (account key), NOSQL_STORAGE_DATABASE; the container of a table is NOSQL_STORAGE_TABLE_<table>
when set, else the table name. Items (as SeBS): id = the secondary key's value, partition key = the primary key.

API (SeBS): nosql.get_instance(), insert(table, primary_key, secondary_key, data), get(...) -> dict,
update(table, primary_key, secondary_key, updates), query(table, primary_key, secondary_key_name) -> list, delete(...).
Keys are (name, value) tuples.
"""
import base64
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from email.utils import formatdate

API_VERSION = "2018-12-31"
SYSTEM = ("_rid", "_self", "_etag", "_attachments", "_ts")


class nosql:
    instance = None

    def __init__(self, database=None, url=None, credential=None):
        self.url = (url or os.environ["NOSQL_STORAGE_URL"]).rstrip("/") + "/"
        self.key = base64.b64decode(credential or os.environ["NOSQL_STORAGE_CREDS"])
        self.database = database or os.environ["NOSQL_STORAGE_DATABASE"]

    @staticmethod
    def get_instance(database=None, url=None, credential=None):
        if nosql.instance is None:
            nosql.instance = nosql(database, url, credential)
        return nosql.instance

    def _container(self, table):
        return os.environ.get("NOSQL_STORAGE_TABLE_" + table) or table

    def _request(self, method, parts, partition, body=None, headers=None):
        path = "/".join(parts)
        rtype, link = (parts[-1], "/".join(parts[:-1])) if len(parts) % 2 == 1 else (parts[-2], path)
        date = formatdate(usegmt=True)
        text = "%s\n%s\n%s\n%s\n\n" % (method.lower(), rtype.lower(), link, date.lower())
        sig = base64.b64encode(hmac.new(self.key, text.encode(), hashlib.sha256).digest()).decode()
        headers = dict(headers or {})
        headers.update({"x-ms-date": date, "x-ms-version": API_VERSION, "authorization": urllib.parse.quote("type=master&ver=1.0&sig=" + sig, safe=""),
                        "x-ms-documentdb-partitionkey": json.dumps([partition])})
        headers.setdefault("Content-Type", "application/json")
        data = json.dumps(body).encode() if body is not None else None
        url = self.url + "/".join(urllib.parse.quote(p, safe="") for p in parts)
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=60) as r:
                raw = r.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            if e.code == 404 and method == "GET":
                return None
            raise RuntimeError("Cosmos DB %s %s failed: HTTP %d %s" % (method, path, e.code, e.read()[:300].decode("utf-8", "replace"))) from None

    def _docs(self, table):
        return ["dbs", self.database, "colls", self._container(table), "docs"]

    @staticmethod
    def _clean(doc, secondary_name=None):
        if doc is None:
            return None
        out = {k: v for k, v in doc.items() if k not in SYSTEM}
        if secondary_name:
            out.setdefault(secondary_name, out.get("id"))
        out.pop("id", None)
        return out

    def insert(self, table, primary_key, secondary_key, data):
        doc = dict(data)
        doc[primary_key[0]] = primary_key[1]
        doc[secondary_key[0]] = secondary_key[1]
        doc["id"] = str(secondary_key[1])
        self._request("POST", self._docs(table), primary_key[1], doc, {"x-ms-documentdb-is-upsert": "True"})

    def get(self, table, primary_key, secondary_key):
        return self._clean(self._request("GET", self._docs(table) + [str(secondary_key[1])], primary_key[1]), secondary_key[0])

    def update(self, table, primary_key, secondary_key, updates):
        current = self._request("GET", self._docs(table) + [str(secondary_key[1])], primary_key[1]) or {
            primary_key[0]: primary_key[1], secondary_key[0]: secondary_key[1], "id": str(secondary_key[1])}
        current = {k: v for k, v in current.items() if k not in SYSTEM}
        current.update(updates)
        self._request("POST", self._docs(table), primary_key[1], current, {"x-ms-documentdb-is-upsert": "True"})

    def query(self, table, primary_key, secondary_key_name):
        result = self._request("POST", self._docs(table), primary_key[1], {"query": "SELECT * FROM c", "parameters": []},
                               {"Content-Type": "application/query+json", "x-ms-documentdb-isquery": "True"})
        return [self._clean(d, secondary_key_name) for d in (result or {}).get("Documents", [])]

    def delete(self, table, primary_key, secondary_key):
        self._request("DELETE", self._docs(table) + [str(secondary_key[1])], primary_key[1])
