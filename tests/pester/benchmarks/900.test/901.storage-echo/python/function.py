import hashlib
import os
import tempfile

from . import storage


def handler(event):
    client = storage.storage.get_instance()
    bucket = event["bucket"]["bucket"]
    path = os.path.join(tempfile.mkdtemp(), event["key"])
    client.download(bucket, event["bucket"]["input"] + "/" + event["key"], path)
    with open(path, "rb") as f:
        digest = hashlib.md5(f.read()).hexdigest()
    key = client.upload(bucket, event["bucket"]["output"] + "/" + event["key"], path)
    return {"result": {"md5": digest, "key": key}}
