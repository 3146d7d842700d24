"""NoSQL shim for SeBS benchmarks on AWS Lambda (boto3 DynamoDB).

API (SeBS): nosql.get_instance(); keys are (name, value) tuples:
insert(table, primary_key, secondary_key, data), get(table, primary_key, secondary_key) -> dict | None,
update(table, primary_key, secondary_key, updates), query(table, primary_key, secondary_key_name) -> list,
delete(table, primary_key, secondary_key).

The physical table is NOSQL_STORAGE_TABLE_<table> (set by the harness), else <table>. DynamoDB numbers come back as
Decimal and are returned as int or float; floats going in are converted to Decimal.
Endpoint override: AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL.
"""
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key


def _to_dynamo(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return {_from_dynamo(v) for v in value}
    return value


class nosql:
    instance = None

    def __init__(self):
        endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
        kwargs = {}
        if endpoint:
            kwargs["endpoint_url"] = endpoint if "://" in endpoint else "http://" + endpoint
        self.resource = boto3.resource("dynamodb", **kwargs)
        self._tables = {}

    @staticmethod
    def get_instance(*_args, **_kwargs):
        if nosql.instance is None:
            nosql.instance = nosql()
        return nosql.instance

    def _table(self, table):
        name = os.environ.get("NOSQL_STORAGE_TABLE_" + table) or table
        t = self._tables.get(name)
        if t is None:
            t = self._tables[name] = self.resource.Table(name)
        return t

    @staticmethod
    def _key(primary_key, secondary_key):
        return _to_dynamo({primary_key[0]: primary_key[1], secondary_key[0]: secondary_key[1]})

    def insert(self, table, primary_key, secondary_key, data):
        item = dict(data)
        item[primary_key[0]] = primary_key[1]
        item[secondary_key[0]] = secondary_key[1]
        self._table(table).put_item(Item=_to_dynamo(item))

    def get(self, table, primary_key, secondary_key):
        res = self._table(table).get_item(Key=self._key(primary_key, secondary_key), ConsistentRead=True)
        item = res.get("Item")
        return _from_dynamo(item) if item is not None else None

    def update(self, table, primary_key, secondary_key, updates):
        if not updates:
            return
        names, values, sets = {}, {}, []
        for i, (k, v) in enumerate(updates.items()):
            names["#a%d" % i] = k
            values[":v%d" % i] = _to_dynamo(v)
            sets.append("#a%d = :v%d" % (i, i))
        self._table(table).update_item(Key=self._key(primary_key, secondary_key),
                                       UpdateExpression="SET " + ", ".join(sets),
                                       ExpressionAttributeNames=names, ExpressionAttributeValues=values)

    def query(self, table, primary_key, secondary_key_name):
        t = self._table(table)
        items, start = [], None
        while True:
            kwargs = {"KeyConditionExpression": Key(primary_key[0]).eq(_to_dynamo(primary_key[1])),
                      "ConsistentRead": True}
            if start:
                kwargs["ExclusiveStartKey"] = start
            res = t.query(**kwargs)
            items.extend(_from_dynamo(i) for i in res.get("Items", []))
            start = res.get("LastEvaluatedKey")
            if not start:
                return items

    def delete(self, table, primary_key, secondary_key):
        self._table(table).delete_item(Key=self._key(primary_key, secondary_key))
