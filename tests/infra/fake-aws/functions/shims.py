# Test benchmark (function/function.py) that drives the AWS storage and nosql shims and reports what it saw.
import base64
import io
import os
import tempfile

import boto3

from . import nosql, storage


def _ensure_table(name):
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    try:
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "cart", "AttributeType": "S"},
                                                  {"AttributeName": "item", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "cart", "KeyType": "HASH"},
                                       {"AttributeName": "item", "KeyType": "RANGE"}])
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    except client.exceptions.ResourceInUseException:
        pass


def handler(event):
    out = {}
    s = storage.storage.get_instance()
    bucket = event["bucket"]
    s.create_bucket(bucket)
    work = tempfile.mkdtemp()
    src = os.path.join(work, "in.txt")
    with open(src, "w") as f:
        f.write("hello " + bucket)
    out["uploaded"] = s.upload(bucket, "dir/in.txt", src)
    out["streamed"] = s.upload_stream(bucket, "dir/blob.bin", io.BytesIO(b"\x00\x01binary\xff"))
    s.download(bucket, out["uploaded"], os.path.join(work, "out", "copy.txt"))
    with open(os.path.join(work, "out", "copy.txt")) as f:
        out["copy"] = f.read()
    out["stream_b64"] = base64.b64encode(s.download_stream(bucket, out["streamed"])).decode()
    s.download_directory(bucket, "dir/", os.path.join(work, "tree"))
    tree = []
    for root, _dirs, files in os.walk(os.path.join(work, "tree")):
        tree += [os.path.relpath(os.path.join(root, f), os.path.join(work, "tree")).replace(os.sep, "/") for f in files]
    out["tree"] = sorted(tree)

    _ensure_table(os.environ["NOSQL_STORAGE_TABLE_shop"])
    n = nosql.nosql.get_instance()
    n.insert("shop", ("cart", "c1"), ("item", "b"), {"price": 7, "ratio": 0.25})
    n.insert("shop", ("cart", "c1"), ("item", "a"), {"price": 3, "ratio": 0.5, "tags": ["x", "y"]})
    out["got"] = n.get("shop", ("cart", "c1"), ("item", "a"))
    n.update("shop", ("cart", "c1"), ("item", "a"), {"price": 4, "note": "updated"})
    out["updated"] = n.get("shop", ("cart", "c1"), ("item", "a"))
    out["query"] = n.query("shop", ("cart", "c1"), "item")
    n.delete("shop", ("cart", "c1"), ("item", "b"))
    out["after_delete"] = n.query("shop", ("cart", "c1"), "item")
    out["missing"] = n.get("shop", ("cart", "c1"), ("item", "b"))
    return out
