"""NoSQL shim for SeBS benchmarks on Google Cloud Run functions: Firestore in Datastore mode through the Datastore v1
REST API, standard library only, with a token from the metadata server. As SeBS's shim: a table is a kind; an item's
key is (primary-key name, primary value) / (kind, secondary value), so query(primary key) is an ancestor query.

API (SeBS): nosql.get_instance(); keys are (name, value) tuples: insert(table, primary_key, secondary_key, data),
get(table, primary_key, secondary_key) -> dict | None, update(table, primary_key, secondary_key, updates),
query(table, primary_key, secondary_key_name) -> list, delete(table, primary_key, secondary_key).
Returned items carry both key attributes. Database: $NOSQL_STORAGE_DATABASE; kind: $NOSQL_STORAGE_TABLE_<table>, else
<table>. Endpoint: https://datastore.googleapis.com, or $DATASTORE_EMULATOR_HOST (as google-cloud-datastore reads it).
"""
import os

from . import gcp_auth


def _encode(value):
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, dict):
        return {"entityValue": {"properties": {k: _encode(v) for k, v in value.items()}}}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [_encode(v) for v in value]}}
    raise TypeError("cannot store %s in Datastore" % type(value).__name__)


def _decode(value):
    if "integerValue" in value:
        return int(value["integerValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "booleanValue" in value:
        return value["booleanValue"]
    if "stringValue" in value:
        return value["stringValue"]
    if "entityValue" in value:
        return {k: _decode(v) for k, v in (value["entityValue"].get("properties") or {}).items()}
    if "arrayValue" in value:
        return [_decode(v) for v in value["arrayValue"].get("values", [])]
    return None


class nosql:
    instance = None

    def __init__(self, database=None):
        self.database = database or os.environ.get("NOSQL_STORAGE_DATABASE", "")
        self.base = gcp_auth.endpoint("DATASTORE_EMULATOR_HOST", "https://datastore.googleapis.com")

    @staticmethod
    def get_instance(database=None):
        if nosql.instance is None:
            nosql.instance = nosql(database)
        return nosql.instance

    @staticmethod
    def _kind(table):
        return os.environ.get("NOSQL_STORAGE_TABLE_" + table) or table

    def _key(self, table, primary_key, secondary_key):
        return {"partitionId": {"projectId": gcp_auth.project(), "databaseId": self.database},
                "path": [{"kind": primary_key[0], "name": str(primary_key[1])},
                         {"kind": self._kind(table), "name": str(secondary_key[1])}]}

    def _call(self, method, body):
        project = gcp_auth.project()
        body["databaseId"] = self.database
        return gcp_auth.call("POST", "%s/v1/projects/%s:%s" % (self.base, project, method), body,
                             {"x-goog-request-params": "project_id=%s&database_id=%s" % (project, self.database)})

    def _put(self, key, properties):
        self._call("commit", {"mode": "NON_TRANSACTIONAL", "mutations": [
            {"upsert": {"key": key, "properties": {k: _encode(v) for k, v in properties.items()}}}]})

    def insert(self, table, primary_key, secondary_key, data):
        self._put(self._key(table, primary_key, secondary_key), dict(data))

    def _lookup(self, key):
        found = self._call("lookup", {"keys": [key]}).get("found") or []
        return {k: _decode(v) for k, v in (found[0]["entity"].get("properties") or {}).items()} if found else None

    def get(self, table, primary_key, secondary_key):
        item = self._lookup(self._key(table, primary_key, secondary_key))
        if item is None:
            return None
        item[primary_key[0]] = primary_key[1]
        item[secondary_key[0]] = secondary_key[1]
        return item

    def update(self, table, primary_key, secondary_key, updates):
        # Datastore has no partial update: read, merge, write (as SeBS's shim).
        key = self._key(table, primary_key, secondary_key)
        item = self._lookup(key) or {}
        item.update(updates)
        self._put(key, item)

    def query(self, table, primary_key, secondary_key_name):
        ancestor = {"partitionId": {"projectId": gcp_auth.project(), "databaseId": self.database},
                    "path": [{"kind": primary_key[0], "name": str(primary_key[1])}]}
        answer = self._call("runQuery", {
            "partitionId": {"projectId": gcp_auth.project(), "databaseId": self.database},
            "query": {"kind": [{"name": self._kind(table)}], "filter": {"propertyFilter": {
                "property": {"name": "__key__"}, "op": "HAS_ANCESTOR", "value": {"keyValue": ancestor}}}}})
        items = []
        for result in (answer.get("batch") or {}).get("entityResults", []):
            entity = result["entity"]
            item = {k: _decode(v) for k, v in (entity.get("properties") or {}).items()}
            item[secondary_key_name] = entity["key"]["path"][-1].get("name")
            item[primary_key[0]] = primary_key[1]
            items.append(item)
        return items

    def delete(self, table, primary_key, secondary_key):
        self._call("commit", {"mode": "NON_TRANSACTIONAL", "mutations": [{"delete": self._key(table, primary_key, secondary_key)}]})
