import io
import os
import time

from PIL import Image

from . import storage


def _us(start_ns, end_ns):
    return (end_ns - start_ns) / 1000.0


def _thumbnail(data, width, height):
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format or "JPEG"
        # thumbnail() keeps the aspect ratio and never enlarges; JPEG decoding uses draft mode (less memory).
        image.thumbnail((width, height))
        out = io.BytesIO()
        image.save(out, format=fmt)
    return out.getvalue()


def handler(event):
    bucket = event["bucket"]["bucket"]
    input_prefix = event["bucket"]["input"]
    output_prefix = event["bucket"]["output"]
    key = event["object"]["key"]
    width = int(event["object"]["width"])
    height = int(event["object"]["height"])

    client = storage.storage.get_instance()
    t0 = time.perf_counter_ns()
    data = client.download_stream(bucket, input_prefix + "/" + key)
    t1 = time.perf_counter_ns()
    thumb = _thumbnail(data, width, height)
    t2 = time.perf_counter_ns()
    out_key = client.upload_stream(bucket, output_prefix + "/" + os.path.basename(key), thumb)
    t3 = time.perf_counter_ns()

    return {
        "result": {"bucket": bucket, "key": out_key},
        "measurement": {
            "download_time": _us(t0, t1),
            "download_size": len(data),
            "upload_time": _us(t2, t3),
            "upload_size": len(thumb),
            "compute_time": _us(t1, t2),
        },
    }
