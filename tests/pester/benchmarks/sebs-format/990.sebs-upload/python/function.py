import datetime
import os
import tempfile

from . import storage


def handler(event):
    bucket = event["bucket"]["bucket"]
    key = event["object"]["key"]
    repeat = int(event["object"]["repeat"])
    client = storage.storage.get_instance()
    work = tempfile.mkdtemp()
    source = os.path.join(work, key)
    begin = datetime.datetime.now()
    client.download(bucket, event["bucket"]["input"] + "/" + key, source)
    with open(source, "rb") as f:
        data = f.read()
    target = os.path.join(work, "out-" + key)
    with open(target, "wb") as f:
        f.write(data * repeat)
    out_key = client.upload(bucket, event["bucket"]["output"] + "/" + key, target)
    end = datetime.datetime.now()
    return {"result": {"bucket": bucket, "key": out_key, "size": len(data) * repeat},
            "measurement": {"compute_time": (end - begin) / datetime.timedelta(microseconds=1)}}
