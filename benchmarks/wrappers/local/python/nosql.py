"""NoSQL shim for SeBS benchmarks on the local platform (standard library only).

API (SeBS): nosql.get_instance(); keys are (name, value) pairs.
  insert(table, primary_key, secondary_key, data)      upsert an item holding both key attributes
  get(table, primary_key, secondary_key) -> dict|None  one item (keys included)
  update(table, primary_key, secondary_key, updates)   set attributes (creates the item if missing)
  query(table, primary_key, secondary_key_name) -> list[dict]   the partition, ordered by the secondary key
  delete(table, primary_key, secondary_key)

Backend: an embedded store of JSON files under SEBS_NOSQL_DIR, one file per table (<dir>/<table>.json), written
atomically and guarded by an flock so several servers can share the directory. The physical table name is taken
from NOSQL_STORAGE_TABLE_<table> when set (as SeBS does), else the benchmark's table name.
"""
import copy
import fcntl
import json
import os
import re
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


class nosql:
    instance = None

    def __init__(self):
        root = os.environ.get("SEBS_NOSQL_DIR")
        if not root:
            raise NoSQLError("no NoSQL storage configured: set SEBS_NOSQL_DIR")
        self.backend = _JsonFiles(root)

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

        def change(content):
            content.setdefault(_key(primary_key[1]), {})[_key(secondary_key[1])] = item
        self.backend.modify(self._table(table), change)

    def get(self, table, primary_key, secondary_key):
        part = self.backend.read(self._table(table)).get(_key(primary_key[1]), {})
        item = part.get(_key(secondary_key[1]))
        return copy.deepcopy(item) if item is not None else None

    def update(self, table, primary_key, secondary_key, updates):
        def change(content):
            part = content.setdefault(_key(primary_key[1]), {})
            item = part.setdefault(_key(secondary_key[1]),
                                   {primary_key[0]: primary_key[1], secondary_key[0]: secondary_key[1]})
            item.update(updates)
        self.backend.modify(self._table(table), change)

    def query(self, table, primary_key, secondary_key_name):
        part = self.backend.read(self._table(table)).get(_key(primary_key[1]), {})
        items = list(part.values())
        try:
            items.sort(key=lambda i: i.get(secondary_key_name))
        except TypeError:  # mixed value types: keep a stable, deterministic order
            items.sort(key=lambda i: _key(i.get(secondary_key_name)))
        return items

    def delete(self, table, primary_key, secondary_key):
        def change(content):
            part = content.get(_key(primary_key[1]))
            if part is not None:
                part.pop(_key(secondary_key[1]), None)
                if not part:
                    del content[_key(primary_key[1])]
        self.backend.modify(self._table(table), change)
