import os
import shutil
import tempfile
import time
import urllib.request
from urllib.parse import urlparse

from . import storage

USER_AGENT = "SeBS/1.2 (https://github.com/spcl/serverless-benchmarks) Sebs-PowerShell"


def _us(start_ns, end_ns):
    return (end_ns - start_ns) / 1000.0


def handler(event):
    url = event["object"]["url"]
    bucket = event["bucket"]["bucket"]
    output_prefix = event["bucket"]["output"]
    name = os.path.basename(urlparse(url).path) or "download"

    workdir = tempfile.mkdtemp(prefix="uploader-", dir="/tmp" if os.path.isdir("/tmp") else None)
    try:
        path = os.path.join(workdir, name)
        t0 = time.perf_counter_ns()
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=50) as response, open(path, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        t1 = time.perf_counter_ns()
        size = os.path.getsize(path)

        client = storage.storage.get_instance()
        t2 = time.perf_counter_ns()
        key = client.upload(bucket, output_prefix + "/" + name, path)
        t3 = time.perf_counter_ns()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return {
        "result": {"bucket": bucket, "url": url, "key": key},
        "measurement": {
            "download_time": _us(t0, t1),
            "download_size": size,
            "upload_time": _us(t2, t3),
            "upload_size": size,
            "compute_time": 0,
        },
    }
